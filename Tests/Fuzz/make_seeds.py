"""Writes the JSON, socket-frame and JWT seeds of Tests/Fuzz/corpus (the YAML seeds are copies of
fixtures/ and scenarios/ plus hand-written broken files). Files named ok-* must be accepted by their
fuzz target, bad-* refused (Tests/AXPSimFuzzTargetsTests checks both). Run: python3 Tests/Fuzz/make_seeds.py"""
import json, os
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
d='Tests/Fuzz/corpus/json'
U='6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01'
seeds = {
 'ok-jsonvalue-nested': ('j', {"a":[1,2.5,-3e2,True,False,None,"x\u00e9\U0001F389"],"b":{"c":{}}}),
 'ok-jsonvalue-array': ('j', [1,"two",[3],{"four":4}]),
 'ok-token-verified': ('t', {"integrationId":U,"customerId":"cust-1","verifiedCustomer":True,"customerName":"Ann","customerIdentifiers":{"email":["ann@example.com"],"phone":["+15551234"]},"ttl":30}),
 'ok-token-ttl-string': ('t', {"integrationId":U,"customerId":"c","ttl":"30"}),
 'ok-token-ttlseconds': ('t', {"integrationId":U,"customerId":"c","ttlSeconds":7}),
 'bad-token-everything': ('t', {"customerId":"","ttl":"one","bogus":1,"customerIdentifiers":{"":[1],"k":["a","b","c","d","e","f"]}}),
 'bad-token-uuid': ('t', {"integrationId":"x","customerId":"c","customerName":"n"*71}),
 'ok-session': ('s', {"displayName":"Ann","clientType":"web","sessionParameters":{"lang":"en"}}),
 'bad-session': ('s', {"displayName":5,"clientType":"","sessionParameters":{"a":1}}),
 'ok-engagement': ('e', {"sessionId":"s-1","engagementParameters":{"topic":"refund"}}),
 'bad-engagement': ('e', {"engagementParameters":[]}),
 'ok-dialog-join': ('d', {"sessionId":"s-1","dialogId":"d-1"}),
 'ok-dialog-disconnect': ('d', {"sessionId":"s-1","dialogId":"d-1","reason":"USER_CLOSED"}),
 'ok-message': ('m', {"dialogId":"d-1","sessionId":"s-1","parentMessageId":"m-0","body":{"elementType":"TEXT","elementText":{"text":"Hello, I'd like a refund","textFormat":"PLAINTEXT"}}}),
 'bad-message': ('m', {"sessionId":"s","body":{"elementType":"IMAGE","elementText":{"text":"","textFormat":"RTF"}}}),
 'ok-messagepage': ('q', {"sessionId":"s","dialogId":"d","pageSize":"10","pageNumber":"1","orderBy":"ASC"}),
 'bad-messagepage': ('q', {"pageSize":"0","pageNumber":"x","orderBy":"UP"}),
 'ok-account': ('a', {"accountId":"ABCDEF","name":"Acme"}),
 'bad-account': ('a', {"accountId":"AB12EF"}),
 'ok-account-patch': ('A', {"name":"Renamed"}),
 'ok-client': ('c', {"clientId":"c1","clientSecret":"s1"}),
 'ok-appkey': ('k', {"appKey":"k1"}),
 'ok-integration': ('i', {"name":"support","integrationId":U,"defaultTtlMinutes":15,"minTtlMinutes":15,"maxTtlMinutes":90,"reminderLeadSeconds":60,"idleTimeoutSeconds":300,"queue":"general","routingAttributes":{"lang":"fr"},"scenario":"happy-path"}),
 'bad-integration': ('i', {"minTtlMinutes":30,"maxTtlMinutes":20,"queue":5}),
 'bad-integration-crossed': ('i', {"name":"a","minTtlMinutes":30,"maxTtlMinutes":20}),
 'ok-integration-patch': ('I', {"maxTtlMinutes":120,"queue":None,"scenario":"long-queue"}),
 'ok-fault-status': ('f', {"match":{"method":"post","path":"/sdk/*/messages"},"action":{"status":503},"probability":0.5,"seed":7,"count":2}),
 'ok-fault-event': ('f', {"match":{"event":"MESSAGE"},"action":{"closeSocket":True},"count":1}),
 'bad-fault': ('f', {"match":{"event":"NOPE","method":"GET"},"action":{"status":503,"drop":True},"probability":2}),
 'ok-upload-url': ('u', {"attachmentName":"Invoice 2030.pdf","attachmentType":"application/pdf","attachmentSize":1234}),
 'bad-upload-url': ('u', {"attachmentName":"../run.exe","attachmentType":"text/html\r\nX: 1","attachmentSize":0}),
}
for name,(sel,body) in seeds.items():
    open(os.path.join(d,name),'wb').write(sel.encode()+json.dumps(body,separators=(',',':'),ensure_ascii=False).encode())
for name,raw in {'bad-syntax-unclosed':b't{"integrationId":','bad-syntax-empty':b'j','bad-syntax-trailing':b'j{"a":1}x','bad-notobject-token':b't[1,2]'}.items():
    open(os.path.join(d,name),'wb').write(raw)

d='Tests/Fuzz/corpus/socket'
frames = {
 'ok-auth': {"type":"auth","jwt":"jwt.aaa.bbb.ccc","appkey":"k"},
 'ok-auth-resume-string': {"type":"auth","jwt":"jwt.a.b.c","appkey":"k","lastEventId":"42"},
 'ok-auth-resume-int': {"type":"auth","jwt":"jwt.a.b.c","lastEventId":7},
 'ok-auth-null-resume': {"type":"auth","jwt":"j","lastEventId":None},
 'ok-ping': {"type":"ping"},
 'ok-other': {"type":"subscribe"},
 'bad-auth-nojwt': {"type":"auth","appkey":"k"},
 'bad-auth-jwt-number': {"type":"auth","jwt":5},
 'bad-resume-negative': {"type":"auth","jwt":"j","lastEventId":-1},
 'bad-resume-text': {"type":"auth","jwt":"j","lastEventId":"abc"},
 'bad-resume-double': {"type":"auth","jwt":"j","lastEventId":1.5},
}
for name,f in frames.items():
    open(os.path.join(d,name),'w').write(json.dumps(f,separators=(',',':')))
open(os.path.join(d,'bad-not-json'),'w').write('hello')
open(os.path.join(d,'bad-array'),'w').write('[{"type":"auth"}]')

import base64
d='Tests/Fuzz/corpus/token'
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
H={"alg":"RS256","typ":"JWT","kid":"fuzz"}
P={"iss":"http://127.0.0.1:8080","sub":"cust-1","aud":"chat-sdk","jti":"j-1","iat":2000000000,"nbf":2000000000,"exp":2000000900,
   "accountId":"DEMOAA","integrationId":"6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01","customerId":"cust-1","customerName":"Ann","verifiedCustomer":True,
   "customerIdentifiers":{"email":["ann@example.com"]}}
def signed(name,h,p):
    open(os.path.join(d,name),'wb').write(b's'+json.dumps(h,separators=(',',':')).encode()+b'\n'+json.dumps(p,separators=(',',':'),ensure_ascii=False).encode())
signed('ok-signed',H,P)
signed('ok-signed-guest',H,dict(P,verifiedCustomer=False,customerName=None,aud=["chat-sdk","other"],customerIdentifiers=None))
signed('ok-signed-unicode-name',H,dict(P,customerName="é名🎉?~>"))
signed('bad-signed-expired',H,dict(P,exp=1999999999))
signed('bad-signed-not-yet',H,dict(P,nbf=2000000100))
signed('bad-signed-audience',H,dict(P,aud="someone-else"))
signed('bad-signed-no-claims',H,{"sub":"x"})
signed('bad-signed-unknown-kid',dict(H,kid="other"),P)
signed('bad-signed-alg-none',dict(H,alg="none"),P)
signed('bad-signed-hs256',dict(H,alg="HS256"),P)
def raw(name,text): open(os.path.join(d,name),'w').write('v'+text)
hp=b64(json.dumps(H).encode())+'.'+b64(json.dumps(P).encode())
raw('bad-raw-bad-signature','jwt.'+hp+'.'+b64(b'\x00'*256))
raw('bad-raw-no-prefix-no-signature',hp+'.')
raw('bad-raw-alg-none','jwt.'+b64(b'{"alg":"none"}')+'.'+b64(json.dumps(P).encode())+'.')
raw('bad-raw-two-parts',hp)
raw('bad-raw-garbage','jwt.!!!.???.~~~')
raw('bad-raw-empty','')
