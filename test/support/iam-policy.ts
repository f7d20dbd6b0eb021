// A small evaluator of resource policies in a synthesized template, for tests that follow who may call whom: CloudFormation
// intrinsics resolved for a known account, region and stack; Allow/Deny with IAM's order (an explicit Deny wins, then
// an Allow, else the implicit deny); the principal, action, resource and condition operators our templates use. An
// operator it does not know fails the evaluation loudly rather than matching by accident.
import type { Resources } from './synth';

export interface PolicyContext {
  /** Values for Ref AWS::AccountId, AWS::Region, AWS::Partition, AWS::StackName. */
  pseudo: { account: string; region: string; partition: string; stackName: string };
  resources: Resources;
  /** Physical names/ARNs for Ref and Fn::GetAtt of the template's own resources. */
  physical: (logicalId: string, attribute?: string) => string;
}

export interface Request {
  principal: { service?: string; account?: string };
  action: string;
  resource: string;
  /** Condition keys as the caller's request carries them (aws:SourceArn, aws:SecureTransport...). */
  context: Record<string, string>;
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

/** Resolves the intrinsics of a template value into a string (or array), for the given context. */
export function resolve(value: unknown, ctx: PolicyContext): any {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => resolve(v, ctx));
  if (!value || typeof value !== 'object') throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  const [key, arg] = Object.entries(value)[0] as [string, any];
  if (Object.keys(value).length !== 1)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, ctx)]));
  switch (key) {
    case 'Ref': {
      const pseudo: Record<string, string> = {
        'AWS::AccountId': ctx.pseudo.account,
        'AWS::Region': ctx.pseudo.region,
        'AWS::Partition': ctx.pseudo.partition,
        'AWS::StackName': ctx.pseudo.stackName,
        'AWS::URLSuffix': 'amazonaws.com',
      };
      return pseudo[arg] ?? ctx.physical(arg);
    }
    case 'Fn::GetAtt':
      return ctx.physical(arg[0], arg[1]);
    case 'Fn::Join':
      return (resolve(arg[1], ctx) as string[]).join(arg[0]);
    case 'Fn::Sub': {
      const template = typeof arg === 'string' ? arg : arg[0];
      return template.replace(/\$\{([^}]+)\}/g, (_: string, name: string) =>
        resolve(name.includes('.') ? { 'Fn::GetAtt': name.split('.') } : { Ref: name }, ctx),
      );
    }
    default:
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, ctx)]));
  }
}

/** IAM's wildcard match: `*` any run of characters, `?` one. Case-sensitive, as for ARNs. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function principalMatches(principal: any, request: Request): boolean {
  if (principal === '*' || principal?.AWS === '*') return true;
  const services = asList<string>(principal?.Service);
  if (request.principal.service && services.includes(request.principal.service)) return true;
  const accounts = asList<string>(principal?.AWS);
  return Boolean(
    request.principal.account &&
    accounts.some((a) => a === request.principal.account || a === `arn:aws:iam::${request.principal.account}:root`),
  );
}

function conditionHolds(condition: Record<string, Record<string, unknown>> | undefined, request: Request): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const actual = request.context[key];
      const values = asList(expected as string | string[]).map(String);
      const present = actual !== undefined;
      let holds: boolean;
      switch (operator) {
        case 'StringEquals':
        case 'ArnEquals':
          holds = present && values.includes(actual);
          break;
        case 'StringLike':
        case 'ArnLike':
          holds = present && values.some((v) => wildcardMatch(v, actual));
          break;
        case 'Bool':
          holds = present && values.includes(actual);
          break;
        default:
          throw new Error(`the policy evaluator does not know the condition operator ${operator}`);
      }
      if (!holds) return false;
    }
  }
  return true;
}

/** IAM's decision for one request against one resource policy (already resolved). */
export function evaluate(policy: { Statement: any[] }, request: Request): Decision {
  let allowed = false;
  for (const statement of policy.Statement) {
    if (statement.NotPrincipal || statement.NotAction || statement.NotResource)
      throw new Error('the policy evaluator does not know NotPrincipal/NotAction/NotResource');
    const applies =
      principalMatches(statement.Principal, request) &&
      asList<string>(statement.Action).some((a) => wildcardMatch(a, request.action, true)) &&
      asList<string>(statement.Resource ?? '*').some((r) => wildcardMatch(r, request.resource)) &&
      conditionHolds(statement.Condition, request);
    if (!applies) continue;
    if (statement.Effect === 'Deny') return 'explicit-deny';
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}
