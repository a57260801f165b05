// A Kinesis handler: record data arrives base64-encoded.
export const handler = async (event) => {
  for (const record of event.Records) {
    const data = Buffer.from(record.kinesis.data, 'base64').toString('utf8');
    console.log(`click ${record.kinesis.partitionKey} #${record.kinesis.sequenceNumber}: ${data}`);
  }
};
