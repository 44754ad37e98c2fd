export * from './config';
export * from './events';
export * from './selectivity';
export * from './runStore';
export * from './webview';
