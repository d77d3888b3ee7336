import { z } from 'zod';
import { secret } from '../../src/core/fields.js';
import { MAX_UPLOAD_BYTES } from '../../src/core/adapter-kit/local-files.js';
import { MAX_PART_BYTES, MIB, MIN_PART_BYTES } from './limits.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/**
 * The context binds ctx.http to the global endpoint; requests go to the
 * regional endpoint (or `baseUrl`) as absolute URLs, because a bucket outside
 * us-east-1 answers the global host with a 301 PermanentRedirect.
 */
export const S3_BASE_URLS = { production: 'https://s3.amazonaws.com' } as const;

export const s3ConfigSchema = z.object({
  bucket: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/, 'must be a bucket name: 3-255 letters, digits, dots, dashes or underscores')
    .describe('Bucket holding the stored files'),
  region: z.string().regex(/^[a-z0-9-]+$/, 'must be a region name such as eu-west-1').default('us-east-1').describe('Region the bucket lives in (signed into every request; MinIO uses us-east-1)'),
  accessKeyId: z.string().min(1).describe('Access key id'),
  secretAccessKey: secret(z.string().min(1), 'Secret access key'),
  sessionToken: secret(z.string().min(1), 'Session token, for temporary credentials').optional(),
  baseUrl: httpUrl.optional().describe('S3-compatible endpoint (MinIO, Ceph, R2, the simulator); the AWS regional endpoint when omitted'),
  multipartThresholdBytes: z
    .int()
    .min(MIN_PART_BYTES, `must be at least ${MIN_PART_BYTES} (5 MiB, S3's smallest part)`)
    .max(MAX_UPLOAD_BYTES, `must be at most ${MAX_UPLOAD_BYTES} (a single PutObject is read into memory)`)
    .default(8 * MIB)
    .describe('Files larger than this many bytes go up as a multipart upload, streamed from disk; smaller ones as one PutObject (default 8 MiB, as the AWS SDKs)'),
  partSizeBytes: z
    .int()
    .min(MIN_PART_BYTES, `must be at least ${MIN_PART_BYTES} (5 MiB, S3's smallest part)`)
    .max(MAX_PART_BYTES, `must be at most ${MAX_PART_BYTES} (5 GiB, S3's largest part)`)
    .default(8 * MIB)
    .describe('Bytes per part of a multipart upload (default 8 MiB); raised to fit a large file in S3\'s 10,000 parts'),
  pathStyle: z.boolean().optional().describe('Address objects as <endpoint>/<bucket>/<key> (MinIO and most S3-compatible stores); default: yes with baseUrl, virtual-hosted on AWS'),
});

export type S3Config = z.output<typeof s3ConfigSchema>;
