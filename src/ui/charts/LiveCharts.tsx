import { isHidden, useConfigStore } from '../../state/configStore';
import { useLiveRun } from '../hooks/useLiveRun';
import { AccuracyChart, StepTimeChart } from './AccuracyChart';
import { ConfusionMatrix } from './ConfusionMatrix';
import { EmbeddingChart } from './EmbeddingChart';
import { FinalResults } from './FinalResults';
import { Stage1LossChart, Stage2LossChart } from './LossCharts';
import { NcmChart } from './NcmChart';
import { PerClassChart } from './PerClassChart';
import { TripletChart } from './TripletChart';

/** The active run's charts, redrawn at most every REDRAW_MS. */
export function LiveCharts() {
  const run = useLiveRun();
  const hideEmbedding = useConfigStore((s) => isHidden(s, 'embedding'));
  const hideResults = useConfigStore((s) => isHidden(s, 'results'));
  return (
    <>
      <section className="chart-grid" aria-label="Training curves">
        <NcmChart run={run} />
        <AccuracyChart run={run} />
        <Stage1LossChart run={run} />
        <Stage2LossChart run={run} />
        <TripletChart run={run} />
        <StepTimeChart run={run} />
      </section>
      {!hideEmbedding && <EmbeddingChart run={run} />}
      {!hideResults && (
        <section className="results-grid" aria-label="Final result">
          <FinalResults run={run} />
          <PerClassChart run={run} />
          <ConfusionMatrix run={run} />
        </section>
      )}
    </>
  );
}
