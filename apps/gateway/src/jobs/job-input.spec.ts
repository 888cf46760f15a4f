import { BadRequestException } from '@nestjs/common';
import { parseJobInput } from './job-input';

describe('parseJobInput (company.profile)', () => {
  it('normalises the company number', () => {
    expect(parseJobInput('company.profile', { company_number: ' sc571653 ' })).toEqual({
      company_number: 'SC571653',
    });
    expect(parseJobInput('company.profile', { company_number: '7798925' })).toEqual({
      company_number: '07798925',
    });
  });

  it('refuses a missing, malformed or non-string company number, naming the field', () => {
    for (const input of [
      {},
      { company_number: '' },
      { company_number: 'ABC-123' },
      { company_number: 7798925.5 },
      { company_number: ['07798925'] },
    ]) {
      expect(() => parseJobInput('company.profile', input)).toThrow(BadRequestException);
      expect(() => parseJobInput('company.profile', input)).toThrow(/company_number/);
    }
  });

  it('refuses unknown fields by name', () => {
    expect(() => parseJobInput('company.profile', { company_number: '07798925', domain: 'x.com' })).toThrow(
      /'domain'/,
    );
  });
});
