/**
 * Stored ids of this session's runs: `<session>-<runId>`. The session part is new on every
 * page load, so runs of earlier visits (whose run ids started at 1 again) never clash.
 */
const SESSION = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;

export function sessionRunStorageId(runId: number, session: string = SESSION): string {
  return `${session}-${runId}`;
}

/** The run id of this session's run stored under `id`; null for a run of another session or an import. */
export function sessionRunIdOf(id: string, session: string = SESSION): number | null {
  const prefix = `${session}-`;
  if (!id.startsWith(prefix)) return null;
  const n = Number(id.slice(prefix.length));
  return Number.isInteger(n) && n > 0 ? n : null;
}
