/**
 * What a valid configuration probably did not mean: the mistakes that Kannel accepts without a word and that show
 * only when traffic goes the wrong way or nowhere. A misspelt smsc-id in the backup link's allowed-smsc-id of the
 * active-passive recipe quietly removes the failover; an account whose forced-smsc no link takes has every message
 * refused. Pure: it reads the typed Config and asks the source where each key was written.
 *
 * Which smsc-ids are "known": a link's own smsc-id, and the ones accounts send (default-smsc, forced-smsc). A link's
 * allowed-, denied- or preferred-smsc-id may name either: Kannel's active-passive recipe routes on a label (ROUTE1)
 * that no link has as smsc-id but the account sends. An account's default-smsc or forced-smsc may name a link's
 * smsc-id or a label that some link's routing keys list.
 *
 * Reachability uses the routing functions of the accept path (linkEligibilityFor, receiverRefusal), tried for every
 * kind of receiver: only the configured prefixes decide, so a receiver equal to each prefix, and one matching none,
 * stand for all receivers.
 */
import { distance } from 'fastest-levenshtein';
import type { Account } from '../domain/account.js';
import type { Link } from '../domain/link.js';
import { wordsTaken, type Service } from '../domain/service.js';
import { linkEligibilityFor, resolveSmscId } from '../routing/compute-route.js';
import { receiverRefusal } from '../routing/receiver-refusal.js';
import type { Config } from './config.js';
import { formatProblem, type ConfigProblem } from './config-error.js';
import { problemAt, type ConfigSource } from './validate.js';

export type ConfigWarningCode =
  /** An smsc-id that neither a link nor an account has (a typo, most often). */
  | 'unknown-smsc-id'
  /** An account whose messages without smsc= can reach no link. */
  | 'account-unroutable'
  /** A link no account can send through. */
  | 'link-unreachable'
  /** A link defined exactly like another one. */
  | 'duplicate-link'
  /** A service that an earlier one with the same keyword always takes the MO from. */
  | 'duplicate-service'
  /** user-allow-ip without user-deny-ip: Kannel (and switchboard) then allow every address. */
  | 'allow-ip-without-deny';

export interface ConfigWarning extends ConfigProblem {
  readonly code: ConfigWarningCode;
  /** What the user probably meant, e.g. `did you mean reliable_smpp_gw?`. */
  readonly suggestion: string | undefined;
}

export function formatWarning(w: ConfigProblem & { readonly suggestion?: string | undefined }): string {
  return w.suggestion ? `${formatProblem(w)}; ${w.suggestion}` : formatProblem(w);
}

/** The nearest candidate by edit distance, when it is near enough to be a typo of `id`. */
export function nearestId(id: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of [...new Set(candidates)].sort()) {
    if (c === id) continue;
    const d = distance(id.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(id.length / 3)) ? best : undefined;
}

const SMSC_ID_KEYS = [
  ['allowed-smsc-id', 'allowedSmscId'],
  ['denied-smsc-id', 'deniedSmscId'],
  ['preferred-smsc-id', 'preferredSmscId'],
] as const;

/** An smsc-id no configuration names: what a request's smsc= may carry besides the named ones. */
const ANY_OTHER_SMSC_ID = '\u0000any other smsc-id';

/** One receiver per class of receivers that the given prefix lists can tell apart (see the module comment). */
function receiverClasses(...prefixLists: readonly (readonly string[])[]): string[] {
  return ['', ...new Set(prefixLists.flat())];
}

const linkPrefixes = (l: Link): readonly (readonly string[])[] => [l.routing.allowedPrefix, l.routing.deniedPrefix, l.routing.preferredPrefix];

/** Whether the account may send some receiver a message with one of these smsc-ids that this link may carry. */
function canReach(link: Link, account: Account, smscIds: readonly (string | undefined)[]): boolean {
  for (const receiver of receiverClasses(...linkPrefixes(link), account.allowedPrefix, account.deniedPrefix)) {
    if (receiverRefusal(account, receiver) !== undefined) continue;
    for (const smscId of smscIds) if (linkEligibilityFor(link, smscId, receiver).usability >= 0) return true;
  }
  return false;
}

/** The smsc-ids an account's messages may carry that make a difference to this link. */
function smscIdsFor(account: Account, link: Link): (string | undefined)[] {
  if (account.forcedSmsc) return [account.forcedSmsc];
  const own = resolveSmscId(account, undefined);
  // Without forced-smsc a request may name any smsc-id: the link's listed ones, or any other.
  return [own, ...link.routing.allowedSmscId, ...link.routing.deniedSmscId, ...link.routing.preferredSmscId, ANY_OTHER_SMSC_ID];
}

function smscIdWarnings(config: Config, at: Locate): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const linkIds = new Set(config.links.map((l) => l.smscId));
  const accountIds = new Set(config.accounts.flatMap((a) => [a.defaultSmsc, a.forcedSmsc]).filter((x): x is string => !!x));
  const listedIds = new Set(config.links.flatMap((l) => SMSC_ID_KEYS.flatMap(([, field]) => l.routing[field])));
  const suggest = (id: string, known: Iterable<string>): string | undefined => {
    const near = nearestId(id, known);
    return near === undefined ? undefined : `did you mean ${near}?`;
  };

  config.links.forEach((link, i) => {
    for (const [key, field] of SMSC_ID_KEYS) {
      for (const id of new Set(link.routing[field])) {
        if (linkIds.has(id) || accountIds.has(id)) continue;
        out.push(
          at.warn(['links', i, key], 'unknown-smsc-id', `"${id}" is no link's smsc-id and no account's default-smsc or forced-smsc: only a request with smsc=${id} matches it`, suggest(id, [...linkIds, ...accountIds])),
        );
      }
    }
  });
  config.accounts.forEach((account, i) => {
    for (const [key, id] of [['default-smsc', account.defaultSmsc], ['forced-smsc', account.forcedSmsc]] as const) {
      if (!id || linkIds.has(id) || listedIds.has(id)) continue;
      out.push(
        at.warn(['accounts', i, key], 'unknown-smsc-id', `"${id}" is no link's smsc-id, and no link's allowed-smsc-id, denied-smsc-id or preferred-smsc-id lists it`, suggest(id, [...linkIds, ...listedIds])),
      );
    }
  });
  config.services.forEach((service, i) => {
    for (const id of new Set(service.acceptedSmsc)) {
      if (linkIds.has(id)) continue;
      out.push(at.warn(['services', i, 'accepted-smsc'], 'unknown-smsc-id', `"${id}" is no link's smsc-id: no MO comes from it`, suggest(id, linkIds)));
    }
  });
  return out;
}

function reachabilityWarnings(config: Config, at: Locate): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  config.accounts.forEach((account, i) => {
    const smscId = resolveSmscId(account, undefined);
    if (config.links.some((link) => canReach(link, account, [smscId]))) return;
    const key = account.forcedSmsc ? 'forced-smsc' : account.defaultSmsc ? 'default-smsc' : undefined;
    const what = account.forcedSmsc
      ? `every message of account "${account.username}" goes with forced-smsc "${smscId}"`
      : account.defaultSmsc
        ? `a message of account "${account.username}" without smsc= goes with default-smsc "${smscId}"`
        : `a message of account "${account.username}" without smsc= has no smsc-id (the account has no default-smsc)`;
    out.push(at.warn(key ? ['accounts', i, key] : ['accounts', i], 'account-unroutable', `${what}, and no link may carry it to any receiver: it is refused "Not routable"`, undefined));
  });
  // With no account at all nothing is sent; that is a gateway for MO only, not a mistake about links.
  if (config.accounts.length === 0) return out;
  config.links.forEach((link, i) => {
    if (link.port === 0) return; // receive-only: carries no MT by design
    if (config.accounts.some((account) => canReach(link, account, smscIdsFor(account, link)))) return;
    const forced = [...new Set(config.accounts.map((a) => a.forcedSmsc))];
    const why = forced.every((f) => !!f) ? `every account has forced-smsc (${forced.join(', ')}), and this link's routing keys take none of them` : "this link's routing keys take no message any account may send";
    out.push(at.warn(['links', i], 'link-unreachable', `no account can send through this link, whatever the receiver or smsc=: ${why}`, undefined));
  });
  return out;
}

function duplicateWarnings(config: Config, at: Locate): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const seenLinks = new Map<string, number>();
  config.links.forEach((link, i) => {
    const definition = JSON.stringify({ ...link, id: undefined });
    const first = seenLinks.get(definition);
    if (first === undefined) seenLinks.set(definition, i);
    else {
      out.push(
        at.warn(['links', i], 'duplicate-link', `is defined exactly as ${at.name(['links', first])}: it opens one more bind with the same credentials`, `if that is meant, instances = ${link.instances + 1} on one link says so`),
      );
    }
  });
  // selectService takes the first service, in configuration order, whose keyword or alias matches and that accepts the
  // link's smsc-id: a later one is never used when earlier ones accept every smsc-id it accepts. Only earlier ones
  // that take every MO it could get count: no accepted-account narrower than its own, every number of words it takes.
  const accepts = (s: Service, id: string): boolean => s.acceptedSmsc.length === 0 || s.acceptedSmsc.includes(id);
  const covers = (e: Service, s: Service): boolean => {
    const [ew, sw] = [wordsTaken(e), wordsTaken(s)];
    const ea = e.acceptedAccount ?? [];
    const sa = s.acceptedAccount ?? [];
    return ew.min <= sw.min && ew.max >= sw.max && (ea.length === 0 || (sa.length > 0 && sa.every((a) => ea.includes(a))));
  };
  const earlier = new Map<string, { index: number; service: Service }[]>();
  config.services.forEach((service, i) => {
    for (const word of new Set([service.keyword, ...service.aliases])) {
      const before = (earlier.get(word) ?? []).filter((e) => covers(e.service, service));
      earlier.set(word, [...(earlier.get(word) ?? []), { index: i, service }]);
      const shadowed =
        before.length > 0 &&
        (service.acceptedSmsc.length === 0
          ? before.some((e) => e.service.acceptedSmsc.length === 0)
          : service.acceptedSmsc.every((id) => before.some((e) => accepts(e.service, id))));
      if (shadowed) {
        out.push(at.warn(['services', i, 'keyword'], 'duplicate-service', `"${word}" is taken by ${at.name(['services', before[0]!.index])} first: this service never gets an MO for it`, undefined));
      }
    }
  });
  return out;
}

function allowIpWarnings(config: Config, at: Locate): ConfigWarning[] {
  return config.accounts.flatMap((a, i) =>
    a.allowIp.length > 0 && a.denyIp.length === 0
      ? [at.warn(['accounts', i, 'user-allow-ip'], 'allow-ip-without-deny', 'is set without user-deny-ip: as in Kannel, every address is allowed', 'add user-deny-ip = "*.*.*.*" to allow only the listed ones')]
      : [],
  );
}

interface Locate {
  warn(path: readonly (string | number)[], code: ConfigWarningCode, message: string, suggestion: string | undefined): ConfigWarning;
  /** How a group or key is named in a message about another one, with its line. */
  name(path: readonly (string | number)[]): string;
}

/** Every warning about a valid configuration, in file and line order. */
/**
 * A file with no link or no account configures a gateway that can send nothing: most often an empty or cut-short
 * file. Valid as YAML, refused by check-config and start (a reload applies one only when forced).
 */
export function missingEssentials(config: Config, source: ConfigSource): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  if (config.links.length === 0)
    out.push(problemAt(source, ['links'], 'no link is configured (YAML links:, Kannel group = smsc): a gateway needs at least one'));
  if (config.accounts.length === 0)
    out.push(
      problemAt(source, ['accounts'], 'no account is configured (YAML accounts:, Kannel group = sendsms-user): a gateway needs at least one'),
    );
  return out;
}

export function checkConfig(config: Config, source: ConfigSource): ConfigWarning[] {
  const at: Locate = {
    warn: (path, code, message, suggestion) => ({ ...problemAt(source, path, message), code, suggestion }),
    name: (path) => {
      const { path: described, line } = problemAt(source, path, '');
      // The Kannel loader's names already carry the group's line ("group smsc #2 (line 8)").
      return line === undefined || described.includes(`(line ${line})`) ? described : `${described} (line ${line})`;
    },
  };
  const all = [...smscIdWarnings(config, at), ...reachabilityWarnings(config, at), ...duplicateWarnings(config, at), ...allowIpWarnings(config, at)];
  return all.sort(byPlace);
}

/** File, then line order (Array.prototype.sort is stable, so warnings at one line keep their order). */
export function byPlace(a: ConfigProblem, b: ConfigProblem): number {
  return a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0);
}
