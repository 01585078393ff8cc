// Host (L1) cross-CPU latencies on this machine: a futex wake of a thread sleeping on the other
// CPU (schedule-in + the L1 IPI, which L0 delivers), and a cache-line ping-pong between spinners.
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
static _Atomic int a, b; static int N = 2000; static int mode;
static uint64_t now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000ull+t.tv_nsec;}
static void pin(int c){cpu_set_t s;CPU_ZERO(&s);CPU_SET(c,&s);sched_setaffinity(0,sizeof s,&s);}
static void fwait(_Atomic int*f,int v){while(atomic_load(f)==v){if(mode==0)syscall(SYS_futex,f,FUTEX_WAIT_PRIVATE,v,0,0,0);}}
static void fwake(_Atomic int*f){atomic_fetch_add(f,1);if(mode==0)syscall(SYS_futex,f,FUTEX_WAKE_PRIVATE,1,0,0,0);}
static void*peer(void*x){pin(1);for(int i=0;i<N;i++){fwait(&a,i);fwake(&b);}return 0;}
static int cmp(const void*x,const void*y){double d=*(double*)x-*(double*)y;return d<0?-1:d>0;}
int main(int c,char**v){mode=c>1?atoi(v[1]):0;pthread_t t;pin(0);pthread_create(&t,0,peer,0);usleep(1000);
 double*r=malloc(N*sizeof*r);for(int i=0;i<N;i++){uint64_t t0=now();fwake(&a);fwait(&b,i);r[i]=(now()-t0)/1.0;}
 pthread_join(t,0);qsort(r,N,sizeof*r,cmp);
 printf("{\"exp\":\"%s\",\"n\":%d,\"min_ns\":%.0f,\"median_ns\":%.0f,\"p90_ns\":%.0f}\n",mode?"pingpong-spin":"pingpong-futex",N,r[0],r[N/2],r[N*9/10]);}
