import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { ChargedReply, SimulatedReply } from '../simulation/simulated-provider';
import { World } from '../world/generate-world';
import { serper, serperError } from './serper.provider';

interface Organic {
  title: string;
  link: string;
  snippet: string;
  position: number;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Google results for a company-name search over the world: the company's site and a knowledge
 * graph when Serper "knows" its domain, directory listings (LinkedIn, Companies House) always.
 */
@Injectable()
export class SerperSimulation {
  constructor(private readonly world: World) {}

  search(request: Request): SimulatedReply | ChargedReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const q = typeof body.q === 'string' ? body.q.trim() : '';
    if (!q) {
      return serperError(400, 'Missing query parameter');
    }
    const num = typeof body.num === 'number' && body.num > 0 ? Math.min(100, Math.floor(body.num)) : 10;
    const page = typeof body.page === 'number' && body.page > 1 ? Math.floor(body.page) : undefined;
    const searchParameters = {
      q,
      ...(typeof body.gl === 'string' ? { gl: body.gl } : {}),
      ...(typeof body.hl === 'string' ? { hl: body.hl } : {}),
      type: 'search',
      ...(body.num !== undefined ? { num } : {}),
      ...(page ? { page } : {}),
      engine: 'google',
    };
    const { contacts } = this.world;
    const company = contacts.companyByCompanyName(q);
    const organic: Organic[] = [];
    let knowledgeGraph: Record<string, unknown> | undefined;
    if (company) {
      const name = company.company_name;
      const known = contacts.knows(serper.name, 'domain', company);
      const firm = contacts.firmographicsOf(company);
      organic.push({
        title: `${name} - LinkedIn`,
        link: `https://uk.linkedin.com/company/${slug(name)}`,
        snippet: `${name} | ${firm.employees} followers on LinkedIn. ${firm.industry}.`,
        position: 0,
      });
      organic.push({
        title: `${name} overview - Find and update company information - GOV.UK`,
        link: `https://find-and-update.company-information.service.gov.uk/company/${company.company_number}`,
        snippet: `${name} - Free company information from Companies House including registered office address.`,
        position: 0,
      });
      if (known) {
        organic.splice(1, 0, {
          title: `${name} | ${firm.industry}`,
          link: `https://www.${company.domain}/`,
          snippet: `Welcome to ${name}, ${firm.industry.toLowerCase()} based in ${company.registered_office_address.locality}.`,
          position: 0,
        });
        knowledgeGraph = {
          title: name,
          type: firm.industry,
          website: `https://www.${company.domain}/`,
          description: `${name} is a ${firm.industry.toLowerCase()} company in ${company.registered_office_address.locality}.`,
          attributes: { Headquarters: company.registered_office_address.locality },
        };
      }
    }
    organic.push({
      title: `${q} - Wikipedia`,
      link: `https://en.wikipedia.org/wiki/${encodeURIComponent(q.replace(/\s+/g, '_'))}`,
      snippet: `${q} may refer to several organisations.`,
      position: 0,
    });
    const numbered = organic.slice(0, num).map((result, index) => ({ ...result, position: index + 1 }));
    return {
      reply: {
        status: 200,
        body: {
          searchParameters,
          ...(knowledgeGraph ? { knowledgeGraph } : {}),
          organic: numbered,
          credits: 1,
        },
      },
      charge: 1,
    };
  }
}
