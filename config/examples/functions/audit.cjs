// A DynamoDB Streams handler in CommonJS, callback style.
exports.handler = (event, context, callback) => {
  for (const record of event.Records) {
    const keys = JSON.stringify(record.dynamodb.Keys);
    console.log(`${record.eventName} ${keys} (${record.dynamodb.StreamViewType})`);
  }
  callback(null, { audited: event.Records.length });
};
