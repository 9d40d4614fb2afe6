import { createComparisonSummarySelector, type GainSummary, type MethodSummary } from '../../state/comparison';
import { useRunStore } from '../../state/runStore';
import { METHOD_COLOURS } from '../palette';

/** The same summary object while no run of the comparison finished: a metrics message re-renders nothing. */
const selectSummary = createComparisonSummarySelector();

// Numbers go into data attributes as text ("NaN" before a method has a seed): the browser tests read them.
const VERDICT_CLASS: Record<GainSummary['verdict'], string> = { above: 'is-effect', spans: 'is-noise', below: 'is-worse', 'n/a': 'is-open' };

function MethodRow({ m }: { m: MethodSummary }) {
  return (
    <tr data-testid="summary-method" data-method={m.method} data-n={m.n} data-mean={String(m.mean)} data-std={String(m.std)}>
      <td>
        <span className="swatch" style={{ background: METHOD_COLOURS[m.method] ?? '#777' }} aria-hidden />
        {m.name}
      </td>
      <td className="num" data-testid="summary-method-text">
        {m.n > 0 ? `${m.text} %` : '–'}
      </td>
      <td className="num">{m.n}</td>
    </tr>
  );
}

function GainLine({ g }: { g: GainSummary }) {
  return (
    <li
      data-testid="summary-gain"
      data-method={g.method}
      data-baseline={g.baseline}
      data-n={g.n}
      data-wins={g.wins}
      data-mean={String(g.mean)}
      data-std={String(g.std)}
      data-low={String(g.low)}
      data-high={String(g.high)}
      data-verdict={g.verdict}
    >
      <span data-testid="summary-gain-sentence">{g.sentence}</span>{' '}
      <strong className={`verdict ${VERDICT_CLASS[g.verdict]}`} data-testid="summary-gain-verdict">
        → {g.verdictText}
      </strong>
    </li>
  );
}

/**
 * The comparison over seeds in numbers: per method the mean ± std of test accuracy over its
 * finished seeds, and the paired gains over the vanilla student with their 95 % intervals.
 */
export function ComparisonSummary() {
  const summary = useRunStore(selectSummary);
  if (!summary) return null;
  return (
    <div className="compare-summary" data-testid="compare-summary" data-complete-seeds={summary.completeSeeds.length} data-seeds={summary.seeds.length}>
      <p className="compare-summary__line">
        Seeds {summary.seeds.join(', ')}: {summary.completeSeeds.length} of {summary.seeds.length} finished for every method ({summary.runsFinished} of{' '}
        {summary.runsTotal} runs). Each seed is its own split and initial weights, shared by the methods.
      </p>
      <table className="results compare-summary__table">
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col" className="num">Test accuracy, mean ± std</th>
            <th scope="col" className="num">Seeds</th>
          </tr>
        </thead>
        <tbody>
          {summary.methods.map((m) => (
            <MethodRow key={m.method} m={m} />
          ))}
        </tbody>
      </table>
      <ul className="compare-summary__gains">
        {summary.gains.map((g) => (
          <GainLine key={`${g.method}-${g.baseline}`} g={g} />
        ))}
      </ul>
      <p className="compare-summary__note">
        Gains are paired by seed (each method minus the vanilla student on the same split); the 95 % interval is the Student-t interval of their mean. An interval above zero is an
        effect, one that spans zero is not distinguishable from seed noise, one below zero is worse.
      </p>
    </div>
  );
}
