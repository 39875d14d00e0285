import { Injectable, type OnApplicationBootstrap, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { StaffActor } from './actor.js';
import { ACCESS, type Access, mayCall } from './staff.guard.js';

interface StaffRoute {
  /** "POST /orders/{id}/confirm", as the OpenAPI document spells it. */
  readonly route: string;
  readonly access: Access;
}

/**
 * Every route with staff access (StaffOnly, StaffOptional), read once from the
 * controllers' own metadata, the same the guard enforces: so the web UI asks
 * the server which buttons a role may press rather than keeping a copy of
 * the route × role matrix that would drift from it.
 */
@Injectable()
export class StaffRoutes implements OnApplicationBootstrap {
  private routes: readonly StaffRoute[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    this.routes = this.discovery.getControllers().flatMap(({ instance, metatype }) => {
      if (!instance || !metatype) return [];
      const prototype = Object.getPrototypeOf(instance) as object;
      const base = pathOf(this.reflector.get<string | string[] | undefined>(PATH_METADATA, metatype));
      return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
        const handler = (prototype as Record<string, unknown>)[name] as () => unknown;
        const method = this.reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler);
        const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [handler, metatype]);
        if (method === undefined || !access) return [];
        const path = [base, pathOf(this.reflector.get<string | string[] | undefined>(PATH_METADATA, handler))].filter(Boolean).join('/');
        return [{ route: `${RequestMethod[method]} /${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`, access }];
      });
    });
  }

  /** The staff routes this member of staff's role may call, sorted. */
  for(actor: StaffActor): string[] {
    return this.routes
      .filter(({ access }) => mayCall(access, actor))
      .map(({ route }) => route)
      .sort();
  }
}

/** A controller's or handler's path without its slashes at either end ('' for the root). */
function pathOf(path: string | string[] | undefined): string {
  const first = Array.isArray(path) ? path[0] : path;
  return (first ?? '').replace(/^\/+|\/+$/g, '');
}
