/** An S3 event notification body as an S3-compatible server (MinIO) POSTs it: `s3:`-prefixed event names, extra fields. */
export function minioNotification(bucket: string, encodedKey: string, eventName = 's3:ObjectCreated:Put'): Record<string, unknown> {
  return {
    EventName: eventName,
    Key: `${bucket}/${encodedKey}`,
    Records: [
      {
        eventVersion: '2.0',
        eventSource: 'minio:s3',
        awsRegion: '',
        eventTime: '2024-05-01T10:00:00.123Z',
        eventName,
        userIdentity: { principalId: 'minioadmin' },
        requestParameters: { principalId: 'minioadmin', region: '', sourceIPAddress: '172.17.0.1' },
        responseElements: { 'x-amz-id-2': 'dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8', 'x-amz-request-id': '17C9F4E2B1E2A5D3', 'x-minio-deployment-id': 'x', 'x-minio-origin-endpoint': 'http://172.17.0.2:9000' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'Config',
          bucket: { name: bucket, ownerIdentity: { principalId: 'minioadmin' }, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodedKey, size: 12, eTag: '6f5902ac237024bdd0c176cb93063dc4', contentType: 'text/plain', userMetadata: { 'content-type': 'text/plain' }, sequencer: '17C9F4E2B1F6B7E9' },
        },
        source: { host: '172.17.0.1', port: '', userAgent: 'MinIO (linux; amd64) minio-go/v7.0.70' },
      },
    ],
  };
}

/** The S3 record Lambda delivers for {@link minioNotification} in region us-east-1 (written out by hand). */
export function lambdaS3Record(bucket: string, encodedKey: string, eventName = 'ObjectCreated:Put'): Record<string, unknown> {
  return {
    eventVersion: '2.0',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2024-05-01T10:00:00.123Z',
    eventName,
    userIdentity: { principalId: 'minioadmin' },
    requestParameters: { sourceIPAddress: '172.17.0.1' },
    responseElements: { 'x-amz-request-id': '17C9F4E2B1E2A5D3', 'x-amz-id-2': 'dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'Config',
      bucket: { name: bucket, ownerIdentity: { principalId: 'minioadmin' }, arn: `arn:aws:s3:::${bucket}` },
      object: { key: encodedKey, size: 12, eTag: '6f5902ac237024bdd0c176cb93063dc4', sequencer: '17C9F4E2B1F6B7E9' },
    },
  };
}
