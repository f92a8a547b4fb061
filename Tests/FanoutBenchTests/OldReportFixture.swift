/// report.json as `fanout` wrote it before confidence intervals, outliers and warnings existed: the shipped
/// docs/bench-example/report.json of commit 06ec268, its lessons, sweep, overhead and host lists cut to one entry.
enum OldReportFixture {
    static let json = #"""
        {
          "lessons": [
            {
              "cores": 1,
              "inFlight": 1,
              "kernel": "CPU-bound (primes)",
              "note": "the sequential mode",
              "speedup": 1,
              "tool": "1 thread, one task after another",
              "verdict": "baseline",
              "wall": {
                "maximum": 1.070902601,
                "median": 1.05885542,
                "minimum": 0.99998104,
                "samples": [
                  1.062346837,
                  1.030345313,
                  0.99998104,
                  1.05885542,
                  1.070902601
                ]
              }
            }
          ],
          "modes": [
            {
              "coresUsed": 1,
              "efficiency": 1,
              "hosts": [],
              "mode": "sequential",
              "speedup": 1,
              "wall": {
                "maximum": 1.070902601,
                "median": 1.05885542,
                "minimum": 0.99998104,
                "samples": [
                  1.062346837,
                  1.030345313,
                  0.99998104,
                  1.05885542,
                  1.070902601
                ]
              },
              "workers": 1
            },
            {
              "coresUsed": 2,
              "efficiency": 1.016765132001999,
              "hosts": [],
              "karpFlatt": -0.016488696823216853,
              "mode": "threads",
              "speedup": 2.033530264003998,
              "wall": {
                "maximum": 0.633108189,
                "median": 0.520698137,
                "minimum": 0.50654774,
                "samples": [
                  0.520698137,
                  0.633108189,
                  0.512867917,
                  0.550760331,
                  0.50654774
                ]
              },
              "workers": 2
            },
            {
              "coresUsed": 2,
              "efficiency": 0.8550972166948938,
              "hosts": [
                {
                  "busySeconds": 1.1660752510000005,
                  "host": "vm",
                  "perCoreSpeed": 0.9661184430419488,
                  "share": 1,
                  "slots": 2,
                  "tasks": 64
                }
              ],
              "karpFlatt": 0.16945767156766323,
              "mode": "local",
              "phases": {
                "compute": 0.5830376255000003,
                "launch": 0.022184326,
                "schedulingAndTransfer": 0.00936399050000003,
                "shutdown": 0.004542994000000022
              },
              "speedup": 1.7101944333897876,
              "wall": {
                "maximum": 0.668307867,
                "median": 0.619143297,
                "minimum": 0.513524544,
                "samples": [
                  0.513524544,
                  0.549079426,
                  0.619143297,
                  0.642032487,
                  0.668307867
                ]
              },
              "workers": 2
            },
            {
              "coresUsed": 6,
              "efficiency": 0.16242553798975215,
              "hosts": [
                {
                  "busySeconds": 1.134686442,
                  "host": "10.213.0.11",
                  "perCoreSpeed": 0.2988541180784489,
                  "share": 0.296875,
                  "slots": 2,
                  "tasks": 19
                }
              ],
              "karpFlatt": 1.0313334619376082,
              "mode": "remote",
              "phases": {
                "compute": 0.5728169186666666,
                "launch": 0.473031972,
                "schedulingAndTransfer": 0.04585687766666702,
                "shutdown": 0.0066690019999999794
              },
              "speedup": 0.9745532279385128,
              "wall": {
                "maximum": 1.2923843289999999,
                "median": 1.086503425,
                "minimum": 1.065203928,
                "samples": [
                  1.068643479,
                  1.2923843289999999,
                  1.134630005,
                  1.065203928,
                  1.086503425
                ]
              },
              "workers": 3
            },
            {
              "coresUsed": 8,
              "efficiency": 0.11401538209508444,
              "hosts": [
                {
                  "busySeconds": 1.1400117759999997,
                  "host": "10.213.0.11",
                  "perCoreSpeed": 0.12372689027077385,
                  "share": 0.171875,
                  "slots": 2,
                  "tasks": 11
                }
              ],
              "karpFlatt": 1.1101066259964798,
              "mode": "all",
              "phases": {
                "compute": 0.514354934,
                "launch": 0.467201126,
                "schedulingAndTransfer": 0.07344004400000004,
                "shutdown": 0.009086575999999846
              },
              "speedup": 0.9121230567606755,
              "wall": {
                "maximum": 1.192434577,
                "median": 1.160869043,
                "minimum": 0.962297283,
                "samples": [
                  1.177496319,
                  1.160869043,
                  1.024968199,
                  1.192434577,
                  0.962297283
                ]
              },
              "workers": 5
            }
          ],
          "overhead": [
            {
              "cores": 2,
              "efficiencyOneMillisecond": 0.9565608975727714,
              "firstResultCold": 0.019340412,
              "firstResultWarm": 0.000184918,
              "latency": {
                "count": 1000,
                "maximum": 0.000653823,
                "p50": 0.000184959,
                "p90": 0.000254975,
                "p99": 0.000321535,
                "p999": 0.000537599
              },
              "noopTasks": 20000,
              "noopTasksPerSecond": {
                "maximum": 494480.72971510247,
                "median": 404000.0530048069,
                "minimum": 318270.45722749794,
                "samples": [
                  377926.37842977635,
                  318270.45722749794,
                  494480.72971510247,
                  406744.23428354005,
                  404000.0530048069
                ]
              },
              "setting": "local (2 workers)"
            }
          ],
          "provenance": {
            "commandLine": [
              ".build/release/fanout",
              "bench",
              "primes",
              "--lessons",
              "--sweep",
              "--overhead",
              "--cluster",
              "/var/lib/fanout-lab/cluster.yaml",
              "--out",
              "docs/bench-example",
              "--",
              "--limit",
              "8000000",
              "--tasks",
              "64"
            ],
            "configPath": "/var/lib/fanout-lab/cluster.yaml",
            "configSHA256": "917524f5590a01282284e0e4753651e9de58fc92336096f2edbe36e4517f36c2",
            "date": "2026-11-27T23:44:41Z",
            "hosts": [
              {
                "cores": 2,
                "cpuModel": "Intel(R) Xeon(R) Processor",
                "name": "local"
              },
              {
                "cores": 2,
                "cpuModel": "Intel(R) Xeon(R) Processor",
                "name": "10.213.0.11"
              },
              {
                "cores": 2,
                "cpuModel": "Intel(R) Xeon(R) Processor",
                "name": "10.213.0.12"
              },
              {
                "cores": 2,
                "cpuModel": "Intel(R) Xeon(R) Processor",
                "name": "10.213.0.13"
              }
            ],
            "loadAfter": [
              3.28,
              2.4,
              1.99
            ],
            "loadBefore": [
              2.61,
              2.12,
              1.87
            ],
            "optimized": true,
            "remoteWorkerBinarySHA256": "1e161177cb231930eacc2be4e2a42d47c09ca2be61bc8c1047b569ef13e0fc84",
            "workerBinarySHA256": "010b19829867e9256824cab2b291c3933051500218f1859e10f9448bd9171e7c"
          },
          "repeats": 5,
          "sequentialSeconds": 1.05885542,
          "skipped": [],
          "sweep": [
            {
              "cores": 1,
              "label": "1 threads",
              "series": "threads",
              "speedup": 1.0164318292069057,
              "wall": {
                "maximum": 1.065650816,
                "median": 1.041737763,
                "minimum": 0.96082047,
                "samples": [
                  1.009265999,
                  1.063674894,
                  0.96082047,
                  1.041737763,
                  1.065650816
                ]
              }
            }
          ],
          "warmups": 1,
          "workload": {
            "job": "primes",
            "parameters": "--limit 8000000 --tasks 64",
            "tasks": 64
          }
        }
        """#
}
