import 'reflect-metadata';
import { Body, Controller, Module, Post, HttpCode } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PlaceOrderDto } from '../dist/orders/commands/dto/place-order.dto.js';
import { createValidationPipe } from '../dist/common/http/validation.pipe.js';
import autocannon from 'autocannon';

const kind = process.argv[2];
const validate = process.argv[3] !== 'novalidate';
class C { place(body) { return { orderId: 'x', version: 1, position: 1 }; } }
Reflect.decorate([Post(), HttpCode(201)], C.prototype, 'place', Object.getOwnPropertyDescriptor(C.prototype, 'place'));
Body()(C.prototype, 'place', 0);
Reflect.defineMetadata('design:paramtypes', [PlaceOrderDto], C.prototype, 'place');
Controller('orders')(C);
class M {}
Module({ controllers: [C] })(M);
let app;
if (kind === 'fastify') {
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  app = await NestFactory.create(M, new FastifyAdapter(), { logger: false });
} else {
  app = await NestFactory.create(M, { logger: false });
}
if (validate) app.useGlobalPipes(createValidationPipe());
await app.listen(0, '127.0.0.1');
const port = app.getHttpServer().address().port;
const body = JSON.stringify({ customer: { name: 'Bench Customer', phone: '+34 600 111 222', address: 'Calle Mayor 1, Madrid' }, items: [{ pizzaId: 'margherita', size: 'large', quantity: 2, toppings: ['extra-cheese'] }, { pizzaId: 'pepperoni', size: 'medium', quantity: 1 }], fulfilment: 'delivery' });
const go = (d) => new Promise((res) => autocannon({ url: `http://127.0.0.1:${port}/orders`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 32, duration: d }, (e, r) => res(r)));
await go(2);
const c0 = process.cpuUsage();
const r = await go(5);
const c = process.cpuUsage(c0);
const n = r['2xx'];
console.log(kind, validate ? 'validate' : 'novalidate', 'rps', Math.round(n / 5), 'non2xx', r.non2xx, 'cpu(ms/req, incl. autocannon)', ((c.user + c.system) / 1000 / n).toFixed(3));
await app.close();
