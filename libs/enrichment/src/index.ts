export * from './records/company';
export * from './normalize/company-number';
export * from './company-status';
export * from './plan/request-types';
export * from './records/person';
export * from './normalize/contact';
