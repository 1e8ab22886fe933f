#!/usr/bin/env python3
"""PyTorch baseline for SftStepBench: one SFT optimizer step (forward + backward + AdamW) of the same Llama-family
models and batch the Java trainer runs, on the same CPU. Run by SftStepBench in the same session; prints one JSON line
per configuration: {"config", "method", "tokens_per_second", "step_seconds", "loss"}.

Needs Debian's python3-torch (install only for the benchmark): /usr/bin/python3, torch 1.13, 2 threads with
OPENBLAS_NUM_THREADS=1 (two BLAS threads under two torch threads oversubscribe the cores).
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F


class Config:
    def __init__(self, name, vocab, hidden, layers, heads, kv_heads, inter):
        self.name, self.vocab, self.hidden, self.layers = name, vocab, hidden, layers
        self.heads, self.kv_heads, self.inter = heads, kv_heads, inter
        self.hd = hidden // heads


class LoraLinear(torch.nn.Module):
    enabled = True  # False: the reference model (adapter disabled), as TRL does for PEFT models

    def __init__(self, inp, out, r, alpha, lora):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(out, inp) * 0.02, requires_grad=not lora)
        self.lora = lora
        if lora:
            self.a = torch.nn.Parameter(torch.empty(r, inp).uniform_(-1 / math.sqrt(inp), 1 / math.sqrt(inp)))
            self.b = torch.nn.Parameter(torch.zeros(out, r))
            self.s = alpha / r

    def forward(self, x):
        y = F.linear(x, self.weight)
        if self.lora and LoraLinear.enabled:
            y = y + self.s * F.linear(F.linear(x, self.a), self.b)
        return y


def rms(x, w, eps=1e-6):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rope(x, cos, sin):
    h = x.shape[-1] // 2
    x1, x2 = x[..., :h], x[..., h:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


class Model(torch.nn.Module):
    def __init__(self, c, lora_targets, r=8, alpha=16):
        super().__init__()
        self.c = c
        full = lora_targets is None
        self.embed = torch.nn.Parameter(torch.randn(c.vocab, c.hidden) * 0.02, requires_grad=full)
        self.lm_head = torch.nn.Parameter(torch.randn(c.vocab, c.hidden) * 0.02, requires_grad=full)
        self.norm = torch.nn.Parameter(torch.ones(c.hidden), requires_grad=full)
        self.layers = torch.nn.ModuleList()
        kv = c.kv_heads * c.hd
        for _ in range(c.layers):
            def lin(name, i, o):
                return LoraLinear(i, o, r, alpha, lora_targets is not None and name in lora_targets)
            layer = torch.nn.ModuleDict(dict(q=lin("q", c.hidden, c.hidden), k=lin("k", c.hidden, kv),
                                             v=lin("v", c.hidden, kv), o=lin("o", c.hidden, c.hidden),
                                             g=lin("g", c.hidden, c.inter), u=lin("u", c.hidden, c.inter),
                                             d=lin("d", c.inter, c.hidden)))
            layer.n1 = torch.nn.Parameter(torch.ones(c.hidden), requires_grad=full)
            layer.n2 = torch.nn.Parameter(torch.ones(c.hidden), requires_grad=full)
            self.layers.append(layer)

    def forward(self, ids, labels, per_sequence=False):
        c = self.c
        B, T = ids.shape
        pos = torch.arange(T, dtype=torch.float32)
        inv = 10000.0 ** (-torch.arange(0, c.hd // 2, dtype=torch.float32) * 2 / c.hd)
        ang = pos[:, None] * inv[None, :]
        cos, sin = ang.cos(), ang.sin()
        h = self.embed[ids]
        mask = torch.full((T, T), float("-inf")).triu(1)
        for L in self.layers:
            x = rms(h, L.n1)
            q = L["q"](x).view(B, T, c.heads, c.hd).transpose(1, 2)
            k = L["k"](x).view(B, T, c.kv_heads, c.hd).transpose(1, 2)
            v = L["v"](x).view(B, T, c.kv_heads, c.hd).transpose(1, 2)
            q, k = rope(q, cos, sin), rope(k, cos, sin)
            rep = c.heads // c.kv_heads
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
            att = (q @ k.transpose(-1, -2)) / math.sqrt(c.hd) + mask
            o = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, c.hidden)
            h = h + L["o"](o)
            x = rms(h, L.n2)
            h = h + L["d"](F.silu(L["g"](x)) * L["u"](x))
        logits = F.linear(rms(h, self.norm), self.lm_head)
        if per_sequence:  # summed log-prob of each row's targets (DPO)
            lp = torch.log_softmax(logits[:, :-1], -1).gather(-1, labels[:, 1:].unsqueeze(-1)).squeeze(-1)
            return lp.sum(-1)
        return F.cross_entropy(logits[:, :-1].reshape(-1, c.vocab), labels[:, 1:].reshape(-1), ignore_index=-100)


def run(c, method, steps, warmup, batch, seq):
    torch.manual_seed(0)
    m = Model(c, None if method == "full" else {"q", "k", "v", "o"})
    if method == "dpo":
        for layer in m.layers:  # B ≠ 0 so policy and reference differ, as after some training
            for name in "qkvo":
                torch.nn.init.normal_(layer[name].b, std=0.01)
    params = [p for p in m.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
    ids = torch.randint(0, c.vocab, (batch, seq))
    times, loss = [], None
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        if method == "dpo":  # 4 pairs = 8 rows: reference forward (adapter off, no grad), policy forward + backward
            with torch.no_grad():
                LoraLinear.enabled = False
                ref = m(ids, ids, per_sequence=True)
                LoraLinear.enabled = True
            pol = m(ids, ids, per_sequence=True)
            p = ids.shape[0] // 2
            delta = (pol[:p] - ref[:p]) - (pol[p:] - ref[p:])
            loss = -F.logsigmoid(0.1 * delta).mean()
        else:
            loss = m(ids, ids)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    times.sort()
    med = times[len(times) // 2]
    return {"config": c.name, "method": method, "tokens_per_second": batch * seq / med, "step_seconds": med,
            "loss": float(loss)}


def main():
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    configs = {"tiny": Config("tiny", 300, 64, 2, 4, 2, 172), "44M": Config("44M", 32000, 512, 4, 8, 4, 1376)}
    which = sys.argv[2].split(",") if len(sys.argv) > 2 else ["tiny:lora", "44M:lora", "44M:full"]
    for item in which:
        name, method = item.split(":")
        steps, warmup = (20, 3) if name == "tiny" else (5, 1)
        print(json.dumps(run(configs[name], method, steps, warmup, 8, 128)), flush=True)


if __name__ == "__main__":
    main()
