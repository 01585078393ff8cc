// Host (L1) timer lateness: clock_nanosleep(TIMER_ABSTIME) to now+d, lateness = wake - target (cyclictest's method),
// pinned to CPU 0, SCHED_OTHER or SCHED_FIFO 50; the same hrtimer + wakeup path KVM's LAPIC timer emulation uses.
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static long long ns(struct timespec t){return t.tv_sec*1000000000LL+t.tv_nsec;}
static int cmp(const void*a,const void*b){long long x=*(long long*)a,y=*(long long*)b;return x<y?-1:x>y;}
int main(int c,char**v){int fifo=c>1&&atoi(v[1]);cpu_set_t s;CPU_ZERO(&s);CPU_SET(0,&s);sched_setaffinity(0,sizeof s,&s);
 if(fifo){struct sched_param p={.sched_priority=50};sched_setscheduler(0,SCHED_FIFO,&p);}
 int ds[]={10,50,200,1000};for(int k=0;k<4;k++){int N=300;long long r[300];for(int i=0;i<N;i++){struct timespec t,w;clock_gettime(CLOCK_MONOTONIC,&t);
  long long tg=ns(t)+ds[k]*1000LL;struct timespec T={tg/1000000000LL,tg%1000000000LL};clock_nanosleep(CLOCK_MONOTONIC,TIMER_ABSTIME,&T,0);clock_gettime(CLOCK_MONOTONIC,&w);r[i]=ns(w)-tg;}
  qsort(r,N,sizeof*r,cmp);printf("{\"exp\":\"timerlat-%s-%dus\",\"n\":%d,\"min_ns\":%lld,\"median_ns\":%lld,\"p90_ns\":%lld}\n",fifo?"fifo":"other",ds[k],N,r[0],r[N/2],r[N*9/10]);}}
