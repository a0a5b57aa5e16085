/** How the encryption rules read a KMS key setting. */
import { UNKNOWN } from "./resources";

/**
 * AWS-managed keys do not count as customer keys. They are always written as literal
 * aliases (`alias/aws/s3`); a key that is unknown at preview is another resource's
 * output, hence customer-managed.
 */
export const isAwsManagedKey = (key: unknown) => typeof key === "string" && /alias\/aws\//.test(key);

/** Set, literally or as a value only known after deployment. */
export const isGiven = (v: unknown) => v === UNKNOWN || (v !== undefined && v !== null && v !== "");
