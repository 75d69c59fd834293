// The baseline of `npm run bench`'s cold `use ROLE` row: what someone would write with the
// AWS SDK alone. A role profile's credentials through the SDK's own INI provider (which
// reads both files and calls STS AssumeRole with the source profile's keys), printed as
// bash exports like `awsenv use --shell bash` prints them.
import { fromIni } from '@aws-sdk/credential-provider-ini';

const c = await fromIni({ profile: process.argv[2] })();
process.stdout.write(`export AWS_ACCESS_KEY_ID=${c.accessKeyId}\nexport AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}\nexport AWS_SESSION_TOKEN=${c.sessionToken}\n`);
