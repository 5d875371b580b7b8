/**
 * Every white and black list the configuration names, loaded and kept: read at start (a list that cannot be read
 * then stops the start, as Kannel stops), read again by reload-lists and by a configuration reload. A list that
 * cannot be read again keeps its last good content, and the log and the reply say so. The accept path and the MO
 * pipeline take the loaded lists as data (routing stays a pure function of them).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { ListRules, ListSources, LoadedLists, NumberSet } from '../domain/number-lists.js';
import type { ListText } from '../http-client/fetch-list.js';
import { redactUrl } from '../observability/redact-url.js';
import { parseNumberList } from '../routing/number-list.js';
import { ruleRegex } from '../routing/rule-regex.js';

/** What became of one list source at a load. */
export interface ListLoad {
  readonly source: string;
  /** Who names it: `account shop white-list`, `link A black-list`, `numbers white-list-receiver`, ... */
  readonly usedBy: readonly string[];
  readonly ok: boolean;
  /** Numbers in the list now (the last good content when this read failed). */
  readonly numbers: number;
  /** Why it could not be read; the list keeps its last good content (or is empty, at a first read). */
  readonly error?: string;
  /** When the content in use was read (epoch ms). */
  readonly loadedAt?: number;
}

export class ListLoadError extends Error {
  constructor(readonly failures: readonly ListLoad[]) {
    super(`cannot read ${failures.map((f) => `${f.usedBy.join(', ')} (${redactUrl(f.source)}): ${f.error ?? ''}`).join('; ')}`);
    this.name = 'ListLoadError';
  }
}

type Fetch = (source: string) => Promise<ListText>;

interface Owner {
  readonly label: string;
  readonly sources: ListSources;
}

/** Every owner of lists in a configuration, with a label for messages. */
function ownersOf(config: Config): { key: string; owner: Owner }[] {
  return [
    { key: 'sendsms', owner: { label: 'http', sources: config.http.lists ?? {} } },
    { key: 'senders', owner: { label: 'numbers -sender', sources: config.numbers.senders } },
    { key: 'receivers', owner: { label: 'numbers -receiver', sources: config.numbers.receivers } },
    ...config.accounts.flatMap((a) =>
      a.lists ? [{ key: `account:${a.username}`, owner: { label: `account ${a.username}`, sources: a.lists } }] : [],
    ),
    ...config.links.flatMap((l) => (l.lists ? [{ key: `link:${l.id}`, owner: { label: `link ${l.id}`, sources: l.lists } }] : [])),
  ];
}

/** A relative file path is read from the configuration file's directory, as Kannel's includes are. */
function resolveSource(source: string, configFile: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) || isAbsolute(source)) return source;
  return resolve(dirname(configFile), source);
}

export class NumberLists {
  private current: LoadedLists;
  /** The last good content of each source. */
  private readonly loaded = new Map<string, { numbers: NumberSet; at: number }>();
  private listeners: ((lists: LoadedLists) => void)[] = [];

  constructor(
    private config: Config,
    private readonly logger: Logger,
    private readonly fetch: Fetch,
  ) {
    this.current = this.build();
  }

  get lists(): LoadedLists {
    return this.current;
  }

  /** Called with the new lists after every load. */
  onChange(listener: (lists: LoadedLists) => void): void {
    this.listeners.push(listener);
  }

  /** Whether the configuration names any list file or URL (else loads read nothing). */
  get hasSources(): boolean {
    return this.sources().size > 0;
  }

  /**
   * Reads every list source. `initial`: a source that cannot be read throws ListLoadError (nothing is replaced);
   * otherwise it keeps its last good content and is reported.
   */
  async load(opts: { initial?: boolean; config?: Config } = {}): Promise<ListLoad[]> {
    const config = opts.config ?? this.config;
    const sources = this.sources(config);
    const results = await Promise.all(
      [...sources].map(async ([source, usedBy]): Promise<{ source: string; usedBy: string[]; text: ListText }> => ({
        source,
        usedBy,
        text: await this.fetch(resolveSource(source, config.source)),
      })),
    );
    const failed = results.filter((r) => !r.text.ok && !this.loaded.has(r.source));
    if (opts.initial && failed.length > 0)
      throw new ListLoadError(
        failed.map((f) => ({ source: f.source, usedBy: f.usedBy, ok: false, numbers: 0, error: f.text.ok ? '' : f.text.detail })),
      );
    const now = Date.now();
    const report: ListLoad[] = [];
    for (const r of results) {
      if (r.text.ok) {
        const parsed = parseNumberList(r.text.text);
        this.loaded.set(r.source, { numbers: parsed.numbers, at: now });
        if (parsed.skipped > 0)
          this.logger.warn({ list: redactUrl(r.source), skipped: parsed.skipped }, 'number list: lines that are no number were skipped');
        report.push({ source: r.source, usedBy: r.usedBy, ok: true, numbers: parsed.numbers.size, loadedAt: now });
      } else {
        const last = this.loaded.get(r.source);
        this.logger.warn(
          { list: redactUrl(r.source), usedBy: r.usedBy, reason: r.text.detail, kept: last?.numbers.size ?? 0, readAt: last?.at },
          last ? 'cannot read a number list; keeping its last good content' : 'cannot read a number list; it is empty until it can be read',
        );
        report.push({
          source: r.source,
          usedBy: r.usedBy,
          ok: false,
          numbers: last?.numbers.size ?? 0,
          error: r.text.detail,
          ...(last ? { loadedAt: last.at } : {}),
        });
      }
    }
    this.config = config;
    this.current = this.build();
    for (const l of this.listeners) l(this.current);
    if (report.length > 0)
      this.logger.info({ lists: report.map((r) => ({ list: redactUrl(r.source), numbers: r.numbers, ok: r.ok })) }, 'number lists loaded');
    return report;
  }

  /** Each distinct source and who uses it. */
  private sources(config: Config = this.config): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const { owner } of ownersOf(config)) {
      for (const [key, source] of [
        ['white-list', owner.sources.whiteList],
        ['black-list', owner.sources.blackList],
      ] as const) {
        if (source === undefined) continue;
        const users = out.get(source) ?? [];
        users.push(`${owner.label} ${key}`);
        out.set(source, users);
      }
    }
    return out;
  }

  private rules(sources: ListSources): ListRules {
    const white = sources.whiteList === undefined ? undefined : (this.loaded.get(sources.whiteList)?.numbers ?? new Set<string>());
    const black = sources.blackList === undefined ? undefined : (this.loaded.get(sources.blackList)?.numbers ?? new Set<string>());
    return {
      ...(white ? { white } : {}),
      ...(black ? { black } : {}),
      ...(sources.whiteListRegex !== undefined ? { whiteRegex: ruleRegex(sources.whiteListRegex) } : {}),
      ...(sources.blackListRegex !== undefined ? { blackRegex: ruleRegex(sources.blackListRegex) } : {}),
    };
  }

  private build(): LoadedLists {
    const c = this.config;
    const accounts = new Map<string, ListRules>();
    for (const a of c.accounts) if (a.lists) accounts.set(a.username, this.rules(a.lists));
    const links = new Map<string, ListRules>();
    for (const l of c.links) if (l.lists) links.set(l.id, this.rules(l.lists));
    return {
      sendsms: this.rules(c.http.lists ?? {}),
      receivers: this.rules(c.numbers.receivers),
      senders: this.rules(c.numbers.senders),
      accounts,
      links,
    };
  }
}
