/** Builders of IAM documents that several rules' tests share. */

/** A role policy "p" whose document has these statements. */
export const doc = (...Statement: unknown[]) => ({ type: "aws:iam/rolePolicy:RolePolicy", name: "p", props: { policy: JSON.stringify({ Version: "2012-10-17", Statement }) } });
