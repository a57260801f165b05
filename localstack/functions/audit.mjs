// A DynamoDB Streams handler: INSERT / MODIFY / REMOVE with old and new images.
export const handler = async (event) => {
  for (const record of event.Records) {
    const { Keys, OldImage, NewImage } = record.dynamodb;
    console.log(`${record.eventName} ${JSON.stringify(Keys)}`, JSON.stringify({ old: OldImage ?? null, new: NewImage ?? null }));
  }
};
