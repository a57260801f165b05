// An SQS handler: one line per order.
export const handler = async (event) => {
  for (const record of event.Records) {
    console.log(`order ${record.messageId}: ${record.body}`);
  }
  return { orders: event.Records.length };
};
