/** S3's sizes (docs.aws.amazon.com AmazonS3 qfacts): parts of 5 MiB to 5 GiB (the last may be smaller), 10,000 parts, 5 TiB per object. */
export const MIB = 1024 * 1024;
export const MIN_PART_BYTES = 5 * MIB;
export const MAX_PART_BYTES = 5 * 1024 * MIB;
export const MAX_PARTS = 10_000;
export const MAX_OBJECT_BYTES = 5 * 1024 * 1024 * MIB;
