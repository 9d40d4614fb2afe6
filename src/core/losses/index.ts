/** REFILLED's losses and its baselines: pure tensor math, on any tfjs backend. */
export * from './distances';
export * from './mining';
export * from './stage1';
export * from './stage2';
export * from './baselines';
export * from './frozen';
export * from './calibrate';
