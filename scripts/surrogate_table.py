#!/usr/bin/env python3
"""Tabulates the test-split quality of fitted surrogates (the *.eval.json files that `hwgpt fit`
writes next to each model) as Markdown, one table per scale. Usage:
    scripts/surrogate_table.py data/surrogates > docs/SURROGATES-table.md
"""
import json
import pathlib
import sys


def main(root: pathlib.Path) -> None:
    for scale_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        evals = sorted(scale_dir.glob("*.eval.json"))
        if not evals:
            continue
        print(f"### Scale {scale_dir.name}\n")
        print("| metric | device | test archs | Kendall tau | noise ceiling | share of ceiling | Spearman | R² | MAE "
              "| MAPE | within ±10 % | 90 % coverage | 90 % width | NLL | model |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for path in evals:
            e = json.loads(path.read_text())
            t = e["test"]
            fitted = e["fitted_with"]
            if fitted.startswith("xgboost "):  # files before model selection: trees only
                model = "gbt: " + fitted.split(" (")[0].replace("xgboost ", "")
            else:  # "<chosen> (chosen by validation …); gbt: xgboost N rounds, depth D (…); mlp: …"
                model = fitted.split(" (")[0]
                details = []
                if "; gbt: xgboost " in fitted:
                    details.append("gbt " + fitted.split("; gbt: xgboost ")[1].split(" (")[0])
                if "; mlp: libtorch, hidden " in fitted:
                    details.append("mlp " + fitted.split("; mlp: libtorch, hidden ")[1].split(" ")[0])
                # The arch encoding (ordinal before the fit chose one), and transfer from other scales.
                encoding = fitted.split(" arch encoding")[0].split("; ")[-1] if " arch encoding" in fitted else "ordinal"
                details.append(encoding + (", transfer" if "; transfer: " in fitted else ""))
                model += " (" + "; ".join(details) + ")"
            # The split-half reliability of the measurements (`hwgpt fit`'s ceiling column), where
            # the metric has several samples per arch.
            ceiling = e.get("noise_ceiling", {}).get("kendall_tau")
            ceiling_text = f"{ceiling:.4f}" if ceiling is not None else "—"
            share = f"{t['kendall_tau'] / ceiling:.3f}" if ceiling else "—"
            print(f"| {e['metric']} | {e['device'] or '—'} | {t['n']} | {t['kendall_tau']:.4f} | {ceiling_text} | "
                  f"{share} | {t['spearman']:.4f} | {t['r2']:.4f} | {t['mae']:.4g} | {t['mape']:.4f} | "
                  f"{t['within_10pct']:.3f} | {t['coverage_90']:.3f} | {t['width_90']:.3f} | "
                  f"{t['nll']:.3f} | {model} |")
        print()


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "data/surrogates"))
