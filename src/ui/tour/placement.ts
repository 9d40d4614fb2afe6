/**
 * Where the tour's callout goes, as pure geometry (tested in Node): next to the highlighted
 * panel (below, above, right or left, the first side where it fits), always inside the
 * viewport; centred when nothing is highlighted. And how far to scroll so that the panel and
 * its callout are on screen together.
 */

export interface Box {
  top: number;
  left: number;
  width: number;
  height: number;
}

export type CalloutSide = 'below' | 'above' | 'right' | 'left' | 'over' | 'centre';

export interface CalloutPlace {
  top: number;
  left: number;
  side: CalloutSide;
}

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));

/**
 * The callout's top-left corner for a target box (viewport coordinates) and the callout's
 * size. `margin` keeps it off the viewport's edges, `gap` off the target.
 */
export function placeCallout(target: Box | null, callout: { width: number; height: number }, viewport: { width: number; height: number }, gap = 12, margin = 8): CalloutPlace {
  const maxLeft = Math.max(margin, viewport.width - callout.width - margin);
  const maxTop = Math.max(margin, viewport.height - callout.height - margin);
  if (!target) return { top: clamp((viewport.height - callout.height) / 2, margin, maxTop), left: clamp((viewport.width - callout.width) / 2, margin, maxLeft), side: 'centre' };
  const alongX = clamp(target.left, margin, maxLeft);
  const alongY = clamp(target.top, margin, maxTop);
  const bottom = target.top + target.height;
  const right = target.left + target.width;
  if (bottom + gap + callout.height <= viewport.height - margin) return { top: bottom + gap, left: alongX, side: 'below' };
  if (target.top - gap - callout.height >= margin) return { top: target.top - gap - callout.height, left: alongX, side: 'above' };
  if (right + gap + callout.width <= viewport.width - margin) return { top: alongY, left: right + gap, side: 'right' };
  if (target.left - gap - callout.width >= margin) return { top: alongY, left: target.left - gap - callout.width, side: 'left' };
  // No side has room (a tall panel on a small screen): over the panel's lower right corner.
  return { top: maxTop, left: maxLeft, side: 'over' };
}

/** The band of the window a scrolled panel can be seen in: below any sticky bar, inside its scroll container. */
export interface Room {
  top: number;
  bottom: number;
}

/**
 * How far to scroll (positive: down) so that the target and a callout below it fit in the
 * room, the pair centred there; a target too tall for that is brought to the top of the room.
 */
export function scrollDeltaFor(target: Box, calloutHeight: number, room: Room, gap = 12, margin = 8): number {
  const roomTop = room.top + margin;
  const roomBottom = room.bottom - margin;
  const pair = target.height + gap + calloutHeight;
  if (pair <= roomBottom - roomTop) {
    // Already wholly visible with room for the callout: no scroll (the page does not jump).
    if (target.top >= roomTop && target.top + pair <= roomBottom) return 0;
    return target.top - (roomTop + (roomBottom - roomTop - pair) / 2);
  }
  if (target.top >= roomTop && target.top + target.height <= roomBottom) return 0;
  return target.top - roomTop;
}
