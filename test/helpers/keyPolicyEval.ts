/**
 * A small evaluator of KMS key policies, enough to ask "would this principal be allowed this operation?"
 * of the documents the program builds. It follows the IAM policy evaluation logic for a key policy alone
 * (AWS KMS Developer Guide, "Key policies"; IAM User Guide, "Policy evaluation logic" and "IAM JSON policy
 * elements: Condition operators"): a statement applies when its principal, action and every condition match;
 * an account-root principal only delegates to the caller's IAM policies, so it grants nothing to a principal
 * whose IAM policies do not allow the action. Unknown condition operators throw, so a new operator in a key
 * policy cannot make a test pass by being ignored.
 */
import type { KeyPolicyDocument, PolicyStatement } from "../../components/kms/keyPolicy";

export interface KmsRequest {
    /** aws:PrincipalArn: for a role session, the role's ARN (with its path). */
    readonly principalArn: string;
    readonly principalAccount: string;
    /** A service principal calling KMS directly (e.g. logs.us-east-1.amazonaws.com). */
    readonly service?: string;
    /** Whether the principal's own IAM policies allow the action (what a root-principal statement delegates to). */
    readonly identityPolicyAllows: boolean;
    readonly action: string;
    /** Request context keys other than aws:PrincipalArn and kms:CallerAccount. */
    readonly context?: Readonly<Record<string, string | boolean>>;
}

const glob = (pattern: string, value: string, caseInsensitive = false) => {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, caseInsensitive ? "i" : "");
    return re.test(value);
};
const list = <T>(v: T | readonly T[]): readonly T[] => (Array.isArray(v) ? v : [v as T]);

function principalMatches(s: PolicyStatement, req: KmsRequest): boolean {
    if (s.Principal.Service !== undefined) return req.service !== undefined && list(s.Principal.Service).includes(req.service);
    if (s.Principal.AWS === undefined) return false;
    return list(s.Principal.AWS).some((p) => {
        if (p === "*") return true;
        const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(p);
        if (root) return root[1] === req.principalAccount && req.identityPolicyAllows;
        return p === req.principalArn;
    });
}

function conditionMatches(s: PolicyStatement, req: KmsRequest): boolean {
    const ctx: Record<string, string | boolean> = { "aws:PrincipalArn": req.principalArn, "kms:CallerAccount": req.principalAccount, ...req.context };
    return Object.entries(s.Condition ?? {}).every(([operator, keys]) =>
        Object.entries(keys).every(([key, expected]) => {
            const actual = ctx[key];
            if (actual === undefined) return false;
            const values = list(expected as string | boolean | readonly string[]).map(String);
            switch (operator) {
                case "StringEquals":
                case "ArnEquals":
                case "Bool":
                    return values.includes(String(actual));
                case "StringLike":
                case "ArnLike":
                    return values.some((v) => glob(v, String(actual)));
                default:
                    throw new Error(`keyPolicyEval: condition operator ${operator} is not modelled`);
            }
        }),
    );
}

/** The Sids of the statements that allow the request; empty means KMS denies it (implicit deny). */
export function allowingStatements(policy: KeyPolicyDocument, req: KmsRequest): string[] {
    return policy.Statement.filter(
        (s) => s.Effect === "Allow" && list(s.Action).some((a) => glob(a, req.action, true)) && principalMatches(s, req) && conditionMatches(s, req),
    ).map((s) => s.Sid);
}
