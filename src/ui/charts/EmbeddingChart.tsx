import { memo, useMemo } from 'react';
import type { EmbeddingPicture } from '../../protocol/messages';
import { embeddingGroups } from '../../state/selectors';
import { useLiveRun } from '../hooks/useLiveRun';
import { embeddingView } from './chartData';
import { MarkerLegend, ScatterCanvas } from './ScatterCanvas';

/** One PCA picture; redrawn only when its picture (or the class names) change. */
const Picture = memo(function Picture({ title, picture, names }: { title: string; picture: EmbeddingPicture | undefined; names: readonly string[] }) {
  const groups = useMemo(() => embeddingGroups(picture, names), [picture, names]);
  return (
    <div className="embedding__pane">
      <h4>{title}</h4>
      <div className="embedding__plot">
        {groups.length === 0 ? <div className="chart__empty">Appears at the first validation.</div> : <ScatterCanvas groups={groups} label={`${title}: ${groups.reduce((n, g) => n + g.points.length, 0)} validation images of ${groups.length} classes (${groups.map((g) => g.name).join(', ')}) in the first two principal components`} />}
      </div>
      {groups.length > 0 && <MarkerLegend groups={groups} />}
    </div>
  );
});

/** PCA pictures of the validation images in the student's and the teacher's embeddings. */
export const EmbeddingChart = memo(function EmbeddingChart() {
  const { names, student, teacher } = useLiveRun(embeddingView);
  const points = (student ? student.labels.length : 0) + (teacher ? teacher.labels.length : 0);
  return (
    <figure className="chart chart--wide" data-testid="chart-embedding" data-points={points}>
      <figcaption>
        <h3 className="chart__title">Embeddings · validation images, 2-D PCA</h3>
        <p className="chart__caption">Each point an image, coloured and shaped by the student’s class. Stage 1 pulls the student’s picture towards the teacher’s neighbourhood structure.</p>
      </figcaption>
      <div className="embedding">
        <Picture title="Student" picture={student} names={names} />
        <Picture title="Teacher (frozen)" picture={teacher} names={names} />
      </div>
    </figure>
  );
});
