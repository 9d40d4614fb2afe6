import { useEffect, useLayoutEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { selectActiveRun, useRunStore } from '../../state/runStore';
import { anchorOf, runPhaseOf, stepPosition, waitMet, type TourStep } from '../../state/tour/engine';
import { selectTourStep } from '../../state/tour/tourStore';
import { placeCallout, scrollDeltaFor, type Box, type CalloutPlace, type Room } from './placement';
import { anchorElement, anchorPresent, closeTour, openTourFromLink, tourNext, tourPrev, useTourStore } from './tourActions';
import { useTourKeys } from './useTourKeys';
import './tour.css';

/** How often the spotlight follows its panel (charts grow, the page reflows). */
const FOLLOW_MS = 150;
/** How long after a step opens its panel is scrolled back into view when the page reflows (ms). */
const SETTLE_MS = 3000;
/** Space between the spotlight's outline and the panel. */
const SPOTLIGHT_PAD = 6;

let linkTourOpened = false;

/**
 * The guided tour: a spotlight on the panel a step talks about and a callout beside it (a
 * non-modal dialog that takes the focus on every step), driven by → / Space / ← / Esc or its
 * buttons. Texts: ./steps.ts. The live region announces each step and when the run got where a
 * step waits.
 */
export function Tour() {
  const step = useTourStore(selectTourStep);
  const blocked = useTourStore((s) => s.blocked);
  const phase = useRunStore((s) => runPhaseOf(selectActiveRun(s)));
  useTourKeys(step !== null);
  useEffect(() => {
    // Once per page (StrictMode runs effects twice), after the panels have mounted.
    if (linkTourOpened) return;
    linkTourOpened = true;
    openTourFromLink();
  }, []);
  const reached = step?.waitFor && waitMet(step.waitFor, phase) ? (step.reached ?? '') : '';
  return (
    <>
      {step && <TourCallout step={step} waiting={!waitMet(step.waitFor, phase)} />}
      <div className="visually-hidden" aria-live="polite" data-testid="tour-live">
        {step ? `${step.title}. ${blocked ?? reached}` : ''}
      </div>
    </>
  );
}

function sameBox(a: Box | null, b: Box | null): boolean {
  return a === b || (a !== null && b !== null && a.top === b.top && a.left === b.left && a.width === b.width && a.height === b.height);
}

function boxOf(el: HTMLElement | null): Box | null {
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return { top: Math.round(r.top), left: Math.round(r.left), width: Math.round(r.width), height: Math.round(r.height) };
}

/** The element that scrolls `el` into view: its nearest scrolling ancestor, or the page. */
function scrollerOf(el: HTMLElement): HTMLElement | null {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const overflow = getComputedStyle(p).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && p.scrollHeight > p.clientHeight) return p;
  }
  return null;
}

/**
 * Where `target` can be seen once scrolled: inside its scroll container (the page's main
 * column scrolls on wide screens) and below any sticky bar stuck at its top (the run panel),
 * unless the bar is the target or holds it.
 */
function roomFor(target: HTMLElement, scroller: HTMLElement | null): Room {
  const frame = scroller?.getBoundingClientRect() ?? { top: 0, bottom: window.innerHeight };
  let top = Math.max(0, frame.top);
  for (const el of document.querySelectorAll<HTMLElement>('.app > *, .layout > *, .main > *')) {
    if (el.contains(target) || target.contains(el) || (scroller && !scroller.contains(el))) continue;
    const style = getComputedStyle(el);
    if (style.position !== 'sticky') continue;
    const inset = parseFloat(style.top);
    if (Number.isFinite(inset)) top = Math.max(top, frame.top + inset + el.getBoundingClientRect().height);
  }
  return { top, bottom: Math.min(window.innerHeight, frame.bottom) };
}

/** Scrolls the anchor's panel, with room for the callout, below any sticky bar (nothing when it is there already). */
function scrollIntoRoom(anchor: string | null, dialog: HTMLElement | null): void {
  const el = anchor ? anchorElement(anchor) : null;
  const target = boxOf(el);
  if (!el || !target) return;
  const scroller = scrollerOf(el);
  const delta = scrollDeltaFor(target, dialog?.offsetHeight ?? 240, roomFor(el, scroller));
  if (delta !== 0) (scroller ?? window).scrollBy({ top: delta, behavior: 'instant' });
}

/** Where the spotlight and the callout go now, read from the page (the states change only when the places do). */
function measureTour(anchor: string | null, dialog: HTMLElement | null, setBox: Dispatch<SetStateAction<Box | null>>, setPlace: Dispatch<SetStateAction<CalloutPlace>>): void {
  const target = boxOf(anchor ? anchorElement(anchor) : null);
  setBox((old) => (sameBox(old, target) ? old : target));
  const size = { width: dialog?.offsetWidth ?? 360, height: dialog?.offsetHeight ?? 240 };
  const spot = target && { top: target.top - SPOTLIGHT_PAD, left: target.left - SPOTLIGHT_PAD, width: target.width + 2 * SPOTLIGHT_PAD, height: target.height + 2 * SPOTLIGHT_PAD };
  const next = placeCallout(spot, size, { width: document.documentElement.clientWidth, height: window.innerHeight });
  setPlace((old) => (old.top === next.top && old.left === next.left && old.side === next.side ? old : next));
}

function TourCallout({ step, waiting }: { step: TourStep; waiting: boolean }) {
  const steps = useTourStore((s) => s.steps);
  const tour = useTourStore((s) => s.tour);
  const choose = useTourStore((s) => s.choose);
  const answerId = tour.answers[step.id];
  const anchor = anchorOf(step, anchorPresent);
  const { at, of } = stepPosition(steps, tour, anchorPresent);
  const dialog = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState<Box | null>(null);
  const [place, setPlace] = useState<CalloutPlace>({ top: 0, left: 0, side: 'centre' });

  // Focus: the dialog while the tour is open, back where it was when it closes.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => {
      if (before?.isConnected) before.focus({ preventScroll: true });
    };
  }, []);

  // Until then the step keeps its panel in view while the page settles (charts drawing, the
  // sticky run panel growing); afterwards scrolling is the reader's.
  const settleUntil = useRef(0);

  // Each step: bring the panel and the callout on screen together, place them before the
  // page paints, then take the focus.
  useLayoutEffect(() => {
    scrollIntoRoom(anchor, dialog.current);
    settleUntil.current = performance.now() + SETTLE_MS;
    measureTour(anchor, dialog.current, setBox, setPlace);
    dialog.current?.focus({ preventScroll: true });
  }, [step.id, anchor]);

  // Follow the panel as the page reflows or scrolls, and as the callout changes size.
  useEffect(() => {
    const follow = () => {
      if (performance.now() < settleUntil.current) scrollIntoRoom(anchor, dialog.current);
      measureTour(anchor, dialog.current, setBox, setPlace);
    };
    const timer = window.setInterval(follow, FOLLOW_MS);
    const resized = new ResizeObserver(follow);
    if (dialog.current) resized.observe(dialog.current);
    const el = anchor ? anchorElement(anchor) : null;
    if (el) resized.observe(el);
    // Capture: a scrolling column's scroll events do not bubble to the window.
    window.addEventListener('scroll', follow, { passive: true, capture: true });
    window.addEventListener('resize', follow);
    return () => {
      window.clearInterval(timer);
      resized.disconnect();
      window.removeEventListener('scroll', follow, { capture: true });
      window.removeEventListener('resize', follow);
    };
  }, [anchor]);

  return (
    <>
      {box && (
        <div
          className="tour-spotlight"
          aria-hidden="true"
          data-testid="tour-spotlight"
          style={{ top: box.top - SPOTLIGHT_PAD, left: box.left - SPOTLIGHT_PAD, width: box.width + 2 * SPOTLIGHT_PAD, height: box.height + 2 * SPOTLIGHT_PAD }}
        />
      )}
      <div
        ref={dialog}
        role="dialog"
        aria-modal="false"
        aria-labelledby="tour-title"
        aria-describedby="tour-body"
        tabIndex={-1}
        className={`tour-callout tour-callout--${place.side}`}
        style={{ top: place.top, left: place.left }}
        data-testid="tour-dialog"
        data-step={step.id}
        data-anchor={anchor ?? ''}
        data-waiting={waiting}
      >
        <p className="tour-callout__count">
          Tour · step {at} of {of}
        </p>
        <h2 id="tour-title" className="tour-callout__title">
          {step.title}
        </h2>
        <div id="tour-body" className="tour-callout__body">
          {step.body.map((paragraph) => (
            <p key={paragraph}>{paragraph}</p>
          ))}
        </div>
        {step.choices && (
          <div className="tour-callout__choices" role="group" aria-label="Your prediction">
            {step.choices.map((c) => (
              <button key={c.id} type="button" className="button" aria-pressed={answerId === c.id} data-testid={`tour-choice-${c.id}`} onClick={() => choose(c.id)}>
                {c.label}
              </button>
            ))}
          </div>
        )}
        {waiting && step.waiting && (
          <p className="tour-callout__wait" data-testid="tour-waiting">
            {step.waiting}
          </p>
        )}
        <div className="tour-callout__nav">
          <button type="button" className="button" data-testid="tour-back" disabled={at <= 1} onClick={tourPrev}>
            ← Back
          </button>
          <button type="button" className="button button--primary" data-testid="tour-next" disabled={waiting} onClick={tourNext}>
            {step.nextLabel ?? 'Next'} →
          </button>
          <button type="button" className="button tour-callout__close" data-testid="tour-close" onClick={closeTour} title="End the tour (Esc)">
            End tour
          </button>
        </div>
      </div>
    </>
  );
}
