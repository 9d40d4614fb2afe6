import { memo, useMemo } from 'react';
import { imageKey, tripletKey, useExplorerStore } from '../../state/explorer/explorerStore';
import { tripletRows } from '../../state/explorer/selectors';
import { toggleFollowedTriplet } from '../../bridge/explorer';
import { Thumbnail } from '../assets/Thumbnail';
import { EXPLORER_TEXT } from './texts';

const THUMB_PX = 28;

function TrainImage({ index, role }: { index: number; role: string }) {
  const pixels = useExplorerStore((s) => s.images[imageKey('train', index)]);
  return <Thumbnail pixels={pixels} size={THUMB_PX} title={`${role}: training image ${index}`} />;
}

/** Stage 1's mined triplets of the last reporting step, with p_T and p_S side by side. */
export const RelationshipExplorer = memo(function RelationshipExplorer() {
  const triplets = useExplorerStore((s) => s.triplets);
  const sort = useExplorerStore((s) => s.sort);
  const setSort = useExplorerStore((s) => s.setSort);
  const sampleStep = useExplorerStore((s) => s.sampleStep);
  const followed = useExplorerStore((s) => s.followed);
  const rows = useMemo(() => tripletRows(triplets, sort), [triplets, sort]);
  const followedKeys = useMemo(() => new Set(followed.map(tripletKey)), [followed]);
  return (
    <section className="explorer__section" data-testid="explorer-triplets" aria-labelledby="explorer-triplets-title">
      <h4 id="explorer-triplets-title" className="chart__title">
        {EXPLORER_TEXT.triplets}
        {sampleStep !== null && <span className="explorer__step"> (step {sampleStep})</span>}
      </h4>
      {rows.length === 0 ? (
        <p className="chart__caption">{EXPLORER_TEXT.tripletsEmpty}</p>
      ) : (
        <>
          <p className="chart__caption">
            {EXPLORER_TEXT.follow}{' '}
            <label>
              Sort{' '}
              <select value={sort} onChange={(e) => setSort(e.target.value === 'sampled' ? 'sampled' : 'gap')} data-testid="explorer-sort">
                <option value="gap">by |p_T − p_S|, largest first</option>
                <option value="sampled">as sampled</option>
              </select>
            </label>
          </p>
          <div className="explorer__scroll">
            <table className="explorer__triplets">
              <thead>
                <tr>
                  <th scope="col">anchor</th>
                  <th scope="col">positive</th>
                  <th scope="col">negative</th>
                  <th scope="col">p_T</th>
                  <th scope="col">p_S</th>
                  <th scope="col">|p_T − p_S|</th>
                  <th scope="col">follow</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.key} data-testid="explorer-triplet" data-key={r.key} data-pt={r.pT} data-ps={r.pS} className={r.disagrees ? 'explorer__row--disagree' : undefined} title={r.disagrees ? EXPLORER_TEXT.disagree : undefined}>
                    <td><TrainImage index={r.anchor} role="anchor" /></td>
                    <td><TrainImage index={r.positive} role="positive" /></td>
                    <td><TrainImage index={r.negative} role="negative" /></td>
                    <td className="explorer__num">{r.pT.toFixed(4)}</td>
                    <td className="explorer__num">{r.pS.toFixed(4)}</td>
                    <td className="explorer__num">
                      {r.gap.toFixed(4)}
                      {r.disagrees && <span className="explorer__flag"> order differs</span>}
                    </td>
                    <td>
                      <button type="button" aria-pressed={followedKeys.has(r.key)} onClick={() => toggleFollowedTriplet(r)} data-testid="explorer-follow">
                        {followedKeys.has(r.key) ? 'following' : 'follow'}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
});
