import type { RunFile } from '../../protocol/runFile';
import type { StudentModel } from '../../protocol/runFileIo';
import { importRun } from '../../state/export/imports';
import { keepImportedRun } from '../../state/history';
import { ImportControl } from './ImportControl';
import { RunExportMenu } from './RunExportMenu';

/** An imported file is shown as a finished run and joins the history. */
function onImport(file: RunFile, student?: StudentModel): void {
  void keepImportedRun(file, importRun(file, student));
}

/** Import and the active run's Export menu, in one row above the charts. */
export function ExportBar() {
  return (
    <div className="export-bar" data-testid="export-bar">
      <ImportControl onImport={onImport} />
      <RunExportMenu />
    </div>
  );
}
