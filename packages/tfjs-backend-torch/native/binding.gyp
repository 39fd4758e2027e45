{
  "variables": {
    "libtorch%": "<!(node -p \"process.env.LIBTORCH || ''\")",
    "cxx11_abi%": "<!(node -p \"process.env.GANTRY_CXX11_ABI || '1'\")"
  },
  "targets": [
    {
      "target_name": "gantry_torch",
      "sources": [
        "<!@(node -p \"require('fs').readdirSync('src').filter(f=>f.endsWith('.cc')).sort().map(f=>'src/'+f).join(' ')\")"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "_GLIBCXX_USE_CXX11_ABI=<(cxx11_abi)"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14", "-O3"],
      "cflags_cc": ["-std=c++17", "-O2", "-fno-math-errno", "-fexceptions", "-frtti", "-fopenmp", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "ldflags": ["-fopenmp"],
      "conditions": [
        ["libtorch==''", {
          "include_dirs": ["/usr/include", "/usr/include/torch/csrc/api/include"],
          "libraries": ["-L/usr/lib/x86_64-linux-gnu", "-ltorch", "-ltorch_cpu", "-lc10"]
        }, {
          "include_dirs": ["<(libtorch)/include", "<(libtorch)/include/torch/csrc/api/include"],
          "libraries": ["-L<(libtorch)/lib", "-Wl,-rpath,<(libtorch)/lib", "-Wl,--no-as-needed", "-ltorch", "-ltorch_cpu", "-lc10"]
        }]
      ]
    }
  ]
}
