#!/usr/bin/env python3
"""Chat-template fixtures rendered by llama.cpp itself (dev-time only; CI has no pip).

    pip install llama-cpp-python
    python3 Tests/LowBitTests/Fixtures/chat/make_chat_fixtures.py
        writes chat_templates.json next to this script:
          renders:   for every built-in template name LowBit supports and every
                     conversation below, with and without the generation prompt,
                     the text llama_cpp.llama_chat_apply_template returns
                     (llama.cpp's llm_chat_apply_template)
          detection: jinja-like template strings (as models ship them in
                     tokenizer.chat_template) and what llama.cpp renders for them,
                     which tells which family its llm_chat_detect_template chose;
                     "unsupported": true when llama.cpp refuses the template (-1)
"""

import ctypes
import json
import os

import llama_cpp

NAMES = ["chatml", "llama2", "llama2-sys", "llama2-sys-bos", "llama2-sys-strip",
         "llama3", "gemma", "phi3"]

CONVERSATIONS = [
    [("user", "Where was Orla Venn born?")],
    [("system", "You are a helpful assistant."), ("user", "Hello")],
    [("system", "  Answer briefly.  "), ("user", "  Who wrote it?  "),
     ("assistant", " Mira Holt. "), ("user", "And when?\n")],
    [("user", "Q1"), ("assistant", "A1"), ("user", "Q2"), ("assistant", "A2"), ("user", "Q3")],
    [("system", "Sys one"), ("system", "Sys two"), ("user", "Grüße, 世界 🙂")],
    [("user", "Question: What is 2+2?\nAnswer: 4\n\nQuestion: Capital of France?\nAnswer:")],
    [("assistant", "I speak first."), ("user", "ok")],
]

TEMPLATES = {
    "llama2-chat": "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}",
    "llama2-nosys": "{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% else %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}",
    "llama2-sys-bos": "{% for message in messages %}{% if message['role'] == 'system' %}{{ '<<SYS>>\\n' + message['content'] + '\\n<</SYS>>\\n\\n' }}{% elif message['role'] == 'user' %}{{ bos_token + '[INST] ' + message['content'] + ' [/INST]' }}{% endif %}{% endfor %}",
    "llama3-instruct": "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}",
    "qwen2-chatml": "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
    "gemma-it": "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}",
    "phi3-mini": "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\\n' + message['content'] + '<|end|>\\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% else %}{{ eos_token }}{% endif %}",
    "phi4-imsep": "{% for message in messages %}{{'<|im_start|>' + message['role'] + '<|im_sep|>'+ message['content'] + '<|im_end|>'}}{% endfor %}",
    "mistral-v7": "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'system' %}[SYSTEM_PROMPT]{{ m['content'] }}[/SYSTEM_PROMPT]{% else %}[INST]{{ m['content'] }}[/INST]{% endif %}{% endfor %}",
    "plain-unknown": "{% for message in messages %}{{ message['role'] + ': ' + message['content'] + '\\n' }}{% endfor %}",
}


def render(tmpl: str, conv, add_ass: bool):
    msgs = (llama_cpp.llama_chat_message * len(conv))()
    keep = []
    for i, (role, content) in enumerate(conv):
        r, c = role.encode(), content.encode()
        keep += [r, c]
        msgs[i].role = r
        msgs[i].content = c
    size = 1 << 16
    buf = ctypes.create_string_buffer(size)
    n = llama_cpp.llama_chat_apply_template(tmpl.encode(), msgs, len(conv), add_ass, buf, size)
    if n < 0:
        return None
    assert n < size
    return buf.raw[:n].decode()


def main():
    out = {"llama_cpp_python": llama_cpp.__version__, "conversations": [
        [{"role": r, "content": c} for r, c in conv] for conv in CONVERSATIONS], "renders": [], "detection": []}
    for name in NAMES:
        for ci, conv in enumerate(CONVERSATIONS):
            for add in (False, True):
                text = render(name, conv, add)
                assert text is not None, name
                out["renders"].append({"template": name, "conversation": ci, "addGenerationPrompt": add, "text": text})
    for label, tmpl in TEMPLATES.items():
        text = render(tmpl, CONVERSATIONS[2], True)
        row = {"label": label, "template": tmpl, "conversation": 2, "addGenerationPrompt": True}
        if text is None:
            row["unsupported"] = True
        else:
            row["text"] = text
        out["detection"].append(row)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "chat_templates.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(out['renders'])} renders, {len(out['detection'])} detections")


if __name__ == "__main__":
    main()
