/** What is distilled, made visible: sampled triplets, the teacher's local classifier, class affinity. */
export * from './tripletSample';
export * from './localClassifier';
export * from './affinity';
