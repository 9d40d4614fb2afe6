/**
 * The History panel's rows: what each column shows, computed here so that the panel only
 * renders. A stored run that was streaming when its page closed shows as stopped; one this
 * page is training shows its live status.
 */
import { DATASETS } from '../../protocol/catalog';
import type { RunStatus } from '../../protocol/messages';
import type { RunSummary } from '../../storage/runSummary';
import { METHOD_NAMES } from '../comparison';
import type { RunState } from '../runStore';
import { formatPercent, statusText } from '../selectors';

const LIVE: readonly RunStatus[] = ['idle', 'loading', 'ready', 'running', 'paused'];

export interface HistoryRow {
  id: string;
  name: string;
  /** "27 Nov" and "19:20" in the reader's locale; `createdAt` is the ISO time. */
  day: string;
  time: string;
  createdAt: string;
  /** "MNIST digits · 5, 6, 7, 8, 9" */
  task: string;
  method: string;
  preset: string;
  shots: string;
  seed: number;
  testAccuracy: string;
  status: RunStatus;
  statusText: string;
  health: RunSummary['health'];
  /** Being trained by this page now: it cannot be deleted or re-opened until it ends. */
  live: boolean;
  /** 'cli' for a run made by the command line and imported. */
  tool: RunSummary['tool'];
}

const DAY = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function when(iso: string): { day: string; time: string } {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? { day: DAY.format(ms), time: TIME.format(ms) } : { day: iso, time: '' };
}

/** One row; `live` when this page is training the run now. */
export function historyRow(s: RunSummary, live: boolean): HistoryRow {
  const dataset = DATASETS[s.dataset];
  const classNames: readonly string[] = dataset?.classNames ?? [];
  const classes = s.studentClasses.map((c) => classNames[c] ?? String(c)).join(', ');
  // Streaming when its page closed (or the tab crashed): what was saved is what it got to.
  const cutShort = !live && LIVE.includes(s.status);
  const status: RunStatus = cutShort ? 'stopped' : s.status;
  return {
    id: s.id,
    name: s.name,
    ...when(s.createdAt),
    createdAt: s.createdAt,
    task: `${dataset?.title ?? s.dataset} · ${classes}`,
    method: METHOD_NAMES[s.method] ?? s.method,
    preset: s.preset,
    shots: s.shotsPerClass === 'all' ? 'all' : String(s.shotsPerClass),
    seed: s.seed,
    testAccuracy: formatPercent(s.testAccuracy),
    status,
    statusText: cutShort ? 'stopped (page closed)' : statusText(s.status, s.health, s.healthHeadline),
    health: s.health,
    live,
    tool: s.tool,
  };
}

/**
 * The stored ids of the runs this page is training now, as one string ("a-1|a-2"): a component
 * selecting it re-renders when a run starts or ends, not at every metrics message.
 */
export function liveStoredIds(runs: RunState['runs'], idOf: (runId: number) => string): string {
  return runs
    .filter((r) => r.saved === undefined && LIVE.includes(r.status))
    .map((r) => idOf(r.runId))
    .join('|');
}

/** The rows of the panel; `liveIds` as liveStoredIds gives them. */
export function historyRows(summaries: readonly RunSummary[], liveIds: string): HistoryRow[] {
  const live = new Set(liveIds.split('|'));
  return summaries.map((s) => historyRow(s, live.has(s.id)));
}
