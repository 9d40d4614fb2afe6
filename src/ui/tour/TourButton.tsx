import { openTour, useTourStore } from './tourActions';

/** "Take the tour" in the title bar: the guided lecture (also `tour=1` in the link). */
export function TourButton() {
  const active = useTourStore((s) => s.tour.active);
  return (
    <button type="button" className="button view-button tour-button" data-testid="tour-button" aria-pressed={active} disabled={active} onClick={() => openTour()} title="A guided walk through REFILLED: both stages, live (→ / Space next, ← back, Esc ends)">
      Take the tour
    </button>
  );
}
