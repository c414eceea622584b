// s3rver ships no type declarations; this is the part local/s3 uses.
declare module "s3rver" {
  interface S3rverOptions {
    address?: string;
    /** 0 lets the OS pick a port. */
    port?: number;
    silent?: boolean;
    /** Where objects are kept, one file per object. */
    directory: string;
    /** Buckets created at start when missing. */
    configureBuckets?: { name: string }[];
    /** Deletes every bucket and object when the server closes. */
    resetOnClose?: boolean;
  }

  class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
  export default S3rver;
}
