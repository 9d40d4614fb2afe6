import { useMemo } from 'react';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { DATASETS } from '../../protocol/catalog';
import type { EmbeddingPicture } from '../../protocol/messages';
import type { RunRecord } from '../../state/runStore';
import { embeddingGroups, studentClassNames } from '../../state/selectors';
import { CLASS_COLOURS, CLASS_SHAPES } from '../palette';
import { gridProps, legendProps } from './axes';

function Picture({ title, picture, names }: { title: string; picture: EmbeddingPicture | undefined; names: string[] }) {
  const groups = useMemo(() => embeddingGroups(picture, names), [picture, names]);
  return (
    <div className="embedding__pane">
      <h4>{title}</h4>
      <div className="embedding__plot">
        {groups.length === 0 ? (
          <div className="chart__empty">Appears at the first validation.</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <ScatterChart margin={{ top: 4, right: 8, bottom: 4, left: 4 }}>
              <CartesianGrid {...gridProps} />
              <XAxis type="number" dataKey="x" tick={false} domain={['auto', 'auto']} name="PC 1" height={6} />
              <YAxis type="number" dataKey="y" tick={false} domain={['auto', 'auto']} name="PC 2" width={6} />
              <Tooltip isAnimationActive={false} formatter={(v) => (typeof v === 'number' ? v.toFixed(2) : String(v))} />
              <Legend {...legendProps} verticalAlign="bottom" align="center" />
              {groups.map((g) => (
                <Scatter
                  key={g.label}
                  name={g.name}
                  data={g.points}
                  fill={CLASS_COLOURS[g.label % CLASS_COLOURS.length]}
                  stroke="#000"
                  strokeWidth={0.4}
                  shape={CLASS_SHAPES[g.label % CLASS_SHAPES.length]}
                  isAnimationActive={false}
                />
              ))}
            </ScatterChart>
          </ResponsiveContainer>
        )}
      </div>
    </div>
  );
}

/** PCA pictures of the validation images in the student's and the teacher's embeddings. */
export function EmbeddingChart({ run }: { run: RunRecord | undefined }) {
  const names = useMemo(() => studentClassNames(run, run ? DATASETS[run.config.dataset].classNames : []), [run]);
  const student = run?.embeddings.student;
  const teacher = run?.embeddings.teacher;
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
}
