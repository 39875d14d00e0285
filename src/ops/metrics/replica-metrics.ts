import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { ReadReplicas } from '../../database/replicas/read-replicas.js';
import { ReadRouter } from '../../projections/read-router.js';
import { Metrics } from './metrics.js';

/**
 * Each replica's health as its last check left it (read at scrape time, no
 * query of its own), and which server answered the queries, as ReadRouter
 * reports them. With no replica configured the gauges have no series and every
 * read counts as served_by="primary".
 */
@Injectable()
export class ReplicaMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly replicas: ReadReplicas,
    private readonly router: ReadRouter,
  ) {}

  onModuleInit(): void {
    const registers = [this.metrics.registry];
    const replicas = this.replicas;
    const perReplica = (name: string, help: string, value: (r: ReturnType<ReadReplicas['report']>[number]) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['replica'] as const,
        registers,
        collect() {
          this.reset();
          for (const report of replicas.report()) {
            const v = value(report);
            if (v !== null) this.set({ replica: report.name }, v);
          }
        },
      });
    perReplica(
      'pizzeria_replica_serving',
      '1 while the replica is in the read rotation, 0 while it is out (unreachable, lagging, promoted, or not checked yet)',
      (r) => (r.serving ? 1 : 0),
    );
    perReplica(
      'pizzeria_replica_lag_bytes',
      "WAL the replica had not replayed at its last check, in bytes behind the primary's current position",
      (r) => r.lagBytes,
    );
    perReplica(
      'pizzeria_replica_lag_seconds',
      'Seconds since the last commit the replica replayed, while its replay is behind the primary; 0 when caught up',
      (r) => r.lagSeconds,
    );
    perReplica('pizzeria_replica_replay_paused', '1 while the replica reports its WAL replay paused (pg_wal_replay_pause())', (r) =>
      r.replayPaused ? 1 : 0,
    );
    const served = new Counter({
      name: 'pizzeria_reads_total',
      help: 'Queries answered, by the server that answered: a replica by host:port/database, or primary',
      labelNames: ['served_by'] as const,
      registers,
    });
    const fallbacks = new Counter({
      name: 'pizzeria_replica_fallbacks_total',
      help: 'Reads a replica was picked for that the primary answered instead, by reason: behind (it had not replayed the minPosition in time), unavailable (connection lost), failed (any other error)',
      labelNames: ['replica', 'reason'] as const,
      registers,
    });
    this.router.observe({
      served: (source) => served.inc({ served_by: source }),
      fellBack: (replica, reason) => fallbacks.inc({ replica, reason }),
    });
  }
}
