// An SQS handler reporting partial batch failures.
// Module scope runs once per execution environment, and is reused while warm.
let invocations = 0;

export const handler = async (event, context) => {
  invocations += 1;
  const batchItemFailures = [];
  for (const record of event.Records) {
    const order = JSON.parse(record.body);
    if (order.amount < 0) {
      console.log(`order ${order.id}: negative amount, reporting failure (receive #${record.attributes.ApproximateReceiveCount})`);
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    console.log(`order ${order.id}: ${order.amount} ${process.env.CURRENCY} (invocation ${invocations} of ${context.functionName})`);
  }
  return { batchItemFailures };
};
