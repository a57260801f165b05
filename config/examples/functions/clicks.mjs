// A Kinesis handler: decodes each record's data and counts clicks per page.
export const handler = async (event) => {
  const pages = {};
  for (const record of event.Records) {
    const click = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
    pages[click.page] = (pages[click.page] ?? 0) + 1;
  }
  const shard = event.Records[0].eventID.split(':')[0];
  console.log(`${shard}: ${event.Records.length} clicks`, JSON.stringify(pages));
};
