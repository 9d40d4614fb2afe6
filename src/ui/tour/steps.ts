/**
 * The guided tour's texts, in the order the tour shows them. Edit freely for a lecture: each
 * step names the panels it points at (`anchors`: `data-tour` names, the first one on the page
 * wins), may ask the run to do something when the tour first gets there (`action`), may make
 * → wait for the run (`waitFor`), and may ask the audience a question (`choices`).
 *
 * Anchors on the page: `teacher` (the teacher card), `run` (the run panel), `compare` (the
 * Compare panel), `explorer` (the relationship explorer; not in the projector view) and every chart
 * by its name: `chart-stage1-loss`, `chart-triplets`, `chart-ncm`, `chart-stage2-loss`,
 * `chart-accuracy`, `chart-embedding`, `chart-per-class`.
 */
import type { TourStep } from '../../state/tour/engine';

export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'idea',
    title: 'A teacher from another task',
    body: [
      'The teacher network was trained on other classes than the ones our student must learn: its classifier is useless here.',
      'REFILLED (Ye, Lu & Zhan) still distils it: what carries over between tasks is how the teacher relates examples to each other, not its class scores.',
    ],
    anchors: ['teacher', 'run'],
  },
  {
    id: 'stages',
    title: 'Two stages',
    body: [
      'Stage 1 — relationships: the student learns an embedding in which an anchor is closer to a positive than to a negative wherever the teacher says so (triplets weighted by the teacher’s own distances).',
      'Stage 2 — a local classifier: the student trains its classification head on our classes, guided by the teacher’s class-centre (NCM) scores, with a weight λ that fades.',
    ],
    anchors: ['run'],
  },
  {
    id: 'run-stage1',
    title: 'Stage 1 trains now',
    body: ['The run has started and trains stage 1 only; it pauses by itself at the stage boundary.', 'Watch the stage-1 loss fall as the student copies the teacher’s relationships.'],
    anchors: ['chart-stage1-loss', 'run'],
    action: 'run-stage1',
    waitFor: 'stage-boundary',
    waiting: 'Stage 1 is still training; the tour goes on at the stage boundary.',
    reached: 'Stage 1 is over: the run is paused at the stage boundary. Press → to go on.',
  },
  {
    id: 'ncm',
    title: 'Paused at the boundary: the embedding alone',
    body: [
      'Before any classifier exists, classify each validation image by its nearest class centre (NCM) in the student’s embedding.',
      'This accuracy comes from stage 1 alone: it measures how much of the teacher’s knowledge of relationships transferred.',
    ],
    anchors: ['chart-ncm'],
  },
  {
    id: 'triplets',
    title: 'The triplet statistics',
    body: [
      'How many mined triplets still violate the margin, and how the anchor–positive and anchor–negative distances move apart.',
      'Fewer violations: the student’s neighbourhoods now agree with the teacher’s.',
    ],
    anchors: ['chart-triplets'],
  },
  {
    id: 'explorer',
    title: 'Relationships, one triplet at a time',
    body: [
      'Open “What is distilled”: each row is a mined triplet (anchor, positive, negative) with the teacher’s p_T and the student’s p_S, the probability that the positive is the closer one.',
      'Rows where the two disagree on the order are outlined: those are what stage 1 still has to copy.',
    ],
    anchors: ['explorer'],
    optional: true,
  },
  {
    id: 'run-stage2',
    title: 'Stage 2 trains now',
    body: ['The run continues with stage 2: the classification head learns our classes, pulled towards the teacher’s local class-centre scores.', 'The tour goes on when the run has finished.'],
    anchors: ['chart-accuracy', 'chart-stage2-loss', 'run'],
    action: 'run-stage2',
    waitFor: 'run-finished',
    waiting: 'Stage 2 is still training; the tour goes on when the run has finished.',
    reached: 'The run has finished. Press → to go on.',
  },
  {
    id: 'predict',
    title: 'Your prediction',
    body: ['Next, Compare trains a vanilla student (no teacher) and REFILLED on the same seeds, the same split and the same initial weights.', 'Which one wins on the test set?'],
    anchors: ['compare'],
    choices: [
      { id: 'vanilla', label: 'Vanilla student' },
      { id: 'refilled', label: 'REFILLED' },
    ],
    nextLabel: 'Start Compare',
  },
  {
    id: 'compare',
    title: 'Compare',
    body: ['Vanilla, stage 1 + fine-tune, and REFILLED now run one after another on each seed. The table and the chart fill in as each run ends.'],
    anchors: ['compare'],
    action: 'compare',
    nextLabel: 'End the tour',
  },
];
