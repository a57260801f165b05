// A FIFO SQS handler reporting partial batch failures: a payment without an amount fails
// (and, after 3 receives, lands in payments-dlq.fifo).
export const handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    const payment = JSON.parse(record.body);
    if (typeof payment.amount !== 'number') {
      console.log(`payment ${record.messageId} (group ${record.attributes.MessageGroupId}): no amount`);
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    console.log(`payment ${record.messageId} (group ${record.attributes.MessageGroupId}): ${payment.amount}`);
  }
  return { batchItemFailures };
};
