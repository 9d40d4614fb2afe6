import { isHidden, useConfigStore } from '../../state/configStore';
import { AccuracyChart, StepTimeChart } from './AccuracyChart';
import { ConfusionMatrix } from './ConfusionMatrix';
import { EmbeddingChart } from './EmbeddingChart';
import { EmbeddingQualityCard } from './EmbeddingQualityCard';
import { FinalResults } from './FinalResults';
import { Stage1LossChart, Stage2LossChart } from './LossCharts';
import { NcmChart } from './NcmChart';
import { PerClassChart } from './PerClassChart';
import { TripletChart } from './TripletChart';

/**
 * The active run's charts. Each chart selects its own rows from the throttled live run
 * (`useLiveRun`), so this layout never re-renders while a run streams. Without the headline
 * (the projector view shows it above), the results section holds the per-class charts only.
 */
export function LiveCharts({ withHeadline = true }: { withHeadline?: boolean }) {
  const hideEmbedding = useConfigStore((s) => isHidden(s, 'embedding'));
  const hideResults = useConfigStore((s) => isHidden(s, 'results'));
  return (
    <>
      <section className="chart-grid" aria-label="Training curves">
        <NcmChart />
        <AccuracyChart />
        <Stage1LossChart />
        <Stage2LossChart />
        <TripletChart />
        <StepTimeChart />
      </section>
      {!hideEmbedding && <EmbeddingChart />}
      {!hideResults && (
        <section className="results-grid" aria-label="Test results">
          {withHeadline && <FinalResults />}
          <PerClassChart />
          <ConfusionMatrix />
          <EmbeddingQualityCard />
        </section>
      )}
    </>
  );
}
