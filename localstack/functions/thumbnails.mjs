// An S3 handler: keys arrive URL-encoded, with + for spaces.
export const handler = async (event) => {
  for (const record of event.Records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    console.log(`${record.eventName} s3://${record.s3.bucket.name}/${key} (${record.s3.object.size ?? 0} bytes)`);
  }
};
