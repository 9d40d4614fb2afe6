import { importRun } from '../../state/export/imports';
import { ImportControl } from './ImportControl';
import { RunExportMenu } from './RunExportMenu';

/** Import and the active run's Export menu, in one row above the charts. */
export function ExportBar() {
  return (
    <div className="export-bar" data-testid="export-bar">
      <ImportControl onImport={importRun} />
      <RunExportMenu />
    </div>
  );
}
