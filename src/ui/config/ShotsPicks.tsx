import { useConfigStore } from '../../state/configStore';

const CHOICES = [1, 5, 10, 20, 50, 'all'] as const;

/** One-click shot counts: fewer shots is where the teacher helps most. */
export function ShotsPicks() {
  const shots = useConfigStore((s) => s.config.shotsPerClass);
  const setField = useConfigStore((s) => s.setField);
  return (
    <div className="segmented" role="group" aria-label="Shots per class">
      {CHOICES.map((n) => (
        <button key={n} type="button" className={shots === n ? 'is-on' : ''} aria-pressed={shots === n} onClick={() => setField('shotsPerClass', n)}>
          {n}
        </button>
      ))}
    </div>
  );
}
