import { memo } from 'react';
import type { RunRecord } from '../../state/runStore';
import { teacherLocalView } from '../../state/science/teacherLocal';
import { useLiveRun } from '../hooks/useLiveRun';
import './science.css';

const select = (run: RunRecord | undefined) => teacherLocalView(run?.result?.teacherLocal, run?.result?.classNames.length ?? 0);

/**
 * The teacher's local classifier that stage 2 distils: the mean top probability of its targets
 * q at this run's temperature, next to a uniform q and the calibrated teacher's, as bars.
 */
export const TeacherLocalCard = memo(function TeacherLocalCard() {
  const view = useLiveRun(select);
  if (!view) return null;
  return (
    <figure className="chart teacher-local" data-testid="teacher-local" data-verdict={view.verdict} data-teacher-tau={view.teacherTau}>
      <figcaption>
        <h3 className="chart__title">The teacher’s local classifier (stage 2’s targets)</h3>
        <p className="chart__caption">{view.sentence}</p>
      </figcaption>
      <table className="teacher-local__bars">
        <caption className="visually-hidden">Mean top probability and entropy of the teacher’s targets over {view.classes} classes</caption>
        <thead>
          <tr>
            <th scope="col">targets</th>
            <th scope="col">mean top probability</th>
            <th scope="col">entropy (nats)</th>
          </tr>
        </thead>
        <tbody>
          {view.bars.map((b) => (
            <tr key={b.key} data-testid={`teacher-local-${b.key}`}>
              <th scope="row">{b.label}</th>
              <td>
                <span className={`teacher-local__bar teacher-local__bar--${b.key}`} style={{ width: `${Math.round(b.maxProb * 100)}%` }} aria-hidden="true" />
                <span className="teacher-local__value">{b.maxProb.toFixed(2)}</span>
              </td>
              <td>{b.entropy.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="chart__caption">
        Top class right for {(view.argmaxAccuracy * 100).toFixed(0)} % of the training images. Student’s temperature {view.studentTau === 1 ? '1 (τ₂ on the teacher only)' : view.studentTau.toFixed(3)}.
      </p>
    </figure>
  );
});
