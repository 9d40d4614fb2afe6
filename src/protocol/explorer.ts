/**
 * What the explorer panels receive from the worker: a sample of stage 1's mined triplets with
 * their probabilities, the teacher's local classifier on one validation image, the sharpness
 * of its targets, and the class affinity of student and teacher classes.
 */

/** Triplets the page may ask the worker to follow over the run. */
export const MAX_FOLLOWED_TRIPLETS = 4;
/** Points of a followed triplet's history kept by the page. */
export const MAX_FOLLOW_POINTS = 400;

/** A triplet by training-set indices: anchor a and positive p share a class, negative n does not. */
export interface TripletIds {
  anchor: number;
  positive: number;
  negative: number;
}

/** One mined triplet of a batch, with p = σ((d_an − d_ap)/τ₁) on the teacher (p_T) and student (p_S) as the stage-1 loss computed them. */
export interface TripletSampleRow extends TripletIds {
  pT: number;
  pS: number;
}

/** The sharpness of the teacher's stage-2 targets q over a batch: mean max_k q_k and mean entropy (nats). */
export interface TargetSharpness {
  meanMaxProb: number;
  meanEntropy: number;
  /** Classes in scope in that batch (uniform q would give 1/m and ln m). */
  classesInScope: number;
}

/** The teacher's local classifier q and the student's p over the student's classes, for one validation image. */
export interface LocalClassifierView {
  /** Index in the validation split. */
  valIndex: number;
  /** Its student label. */
  label: number;
  q: number[];
  p: number[];
}

/** Student classes × teacher classes: the teacher's own softmax averaged over each student class's training images. */
export interface ClassAffinity {
  studentClasses: string[];
  teacherClasses: string[];
  /** [C][T], rows sum to 1. */
  matrix: number[][];
}

/** A followed triplet's p_T and p_S at a reporting step (the student's embedding in inference mode). */
export interface FollowedValue extends TripletIds {
  pT: number;
  pS: number;
}

/** A 28×28 grey image (0–255, row-major) of the training or validation split. */
export interface ExplorerImage {
  split: 'train' | 'val';
  index: number;
  pixels: Uint8Array;
}

/** Worker → page. */
export type ExplorerEvent =
  | {
      type: 'explorer';
      runId: number;
      step: number;
      stage: 1 | 2;
      /** Stage 1 (REFILLED's triplet objective): a sample of the reporting step's mined triplets. */
      triplets?: TripletSampleRow[];
      /** Stage 2 (REFILLED): the sharpness of the reporting step's targets. */
      sharpness?: TargetSharpness;
      followed?: FollowedValue[];
      local?: LocalClassifierView;
      /** Images the page has not received yet in this run. */
      images?: ExplorerImage[];
    }
  | {
      type: 'explorer-setup';
      runId: number;
      affinity: ClassAffinity;
      /** Validation images the page offers for the local classifier (one per class), by index. */
      candidates: { valIndex: number; label: number }[];
      images: ExplorerImage[];
    };

/** Page → worker: what to follow (≤ MAX_FOLLOWED_TRIPLETS triplets) and which validation image to inspect. */
export type ExplorerRequest = { type: 'explorer-focus'; runId: number; follow: TripletIds[]; valIndex: number };
