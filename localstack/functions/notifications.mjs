// An SNS handler (invoked asynchronously): one record per notification.
export const handler = async (event) => {
  for (const record of event.Records) {
    console.log(`notification ${record.Sns.MessageId}: ${record.Sns.Subject ?? '(no subject)'} ${record.Sns.Message}`);
  }
};
