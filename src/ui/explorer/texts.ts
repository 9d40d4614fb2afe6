/** The explorer's words, kept out of the components. */
export const EXPLORER_TEXT = {
  summary: 'What is distilled — triplets, the teacher’s local classifier, class affinity',
  intro:
    'Stage 1 mines triplets on the student’s embedding: an anchor, a positive of its class and a negative of another. For each, p = σ((d_an − d_ap)/τ₁) is the probability that the positive is the closer one; the teacher gives p_T from its frozen embedding of the same three images, the student p_S, and the loss pulls p_S towards p_T (KL(P_T ‖ P_S)). The teacher never saw these classes: what it passes on is how it relates images, not their labels. Stage 2 then matches the student’s class probabilities p to q, the teacher’s classifier built from its class centres over the batch’s classes.',
  methodLink: 'How the method works',
  triplets: 'Mined triplets of the last reporting step',
  tripletsEmpty: 'Triplets appear at the first reporting step of stage 1 (REFILLED and stage 1 only).',
  follow: 'Click a row to follow that triplet’s p_S over the run (up to four).',
  disagree: 'The teacher and the student order the positive and the negative differently.',
  followChart: 'Followed triplets: p_S (solid) and p_T (dashed) at each reporting step, the student’s embedding in inference mode',
  local: 'The teacher’s local classifier on one validation image',
  localEmpty: 'The teacher’s q and the student’s p appear at the first reporting step.',
  localCaption: 'q: the teacher’s softmax over the student’s classes from its class centres (τ of the run); p: the student’s head. Pick an image:',
  sharpness: 'How sharp the teacher’s targets were (stage 2, each reporting step’s batch)',
  sharpnessEmpty: 'Appears during stage 2 of a REFILLED run.',
  affinity: 'Class affinity: the teacher’s own softmax averaged over each student class',
  affinityEmpty: 'Appears once the run has loaded (needs a teacher with its own head).',
} as const;

/** The README's section on the method (the README sits beside the app's files in the repository). */
export const METHOD_ANCHOR = 'README.md#the-method-as-implemented';
